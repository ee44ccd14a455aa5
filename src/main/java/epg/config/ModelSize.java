// Parameter counts and compute per forward (spec §2.3), from the configuration alone: no weights are allocated.
package epg.config;

import epg.config.ModelConfig.Kind;

/**
 * Compute is counted as DiT and the paper count it: multiply-accumulates of the Linear and Conv layers over all
 * tokens they touch; attention's score and value products, norms and activations are not counted.
 */
public final class ModelSize {
    private ModelSize() {}

    public static long parameters(ModelConfig c) {
        long d = c.dim(), l = c.tokens(), p2c = (long) c.patchSize() * c.patchSize() * c.channels();
        long n = p2c * d + d + d + (VIT_EXTRAS + l) * d + c.depth() * block(d, c.mlpHidden(c.dim())) + 2 * d;
        if (c.kind() == Kind.RCM) {
            long h = c.projHidden(), in = d;
            for (int i = 0; i < c.projLayers(); i++) {
                boolean last = i == c.projLayers() - 1;
                long out = last ? c.projOut() : h;
                n += in * out + (last ? 0 : 2 * out);
                in = out;
            }
            return n;
        }
        long e = c.decoderDim();
        long decoderBlock = block(e, c.mlpHidden(c.decoderDim())) + (d + e) * e + e + 2 * e + d * 6 * e + 6 * e;
        n += c.decoderDepth() * decoderBlock;
        if (e != d) n += d * e + e;
        n += 2 * e + e * p2c + p2c + (c.numClasses() + 1L) * d;
        return n;
    }

    /** Multiply-accumulates of one forward pass of one image, in units of 10⁹ (the papers' "GFLOPs"). */
    public static double gflops(ModelConfig c) {
        long d = c.dim(), l = c.tokens(), t = l + VIT_EXTRAS, p2c = (long) c.patchSize() * c.patchSize() * c.channels();
        double macs = (double) l * p2c * d + (double) t * c.depth() * blockMacs(d, c.mlpHidden(c.dim()));
        if (c.kind() == Kind.RCM) {
            double in = d, proj = 0;
            for (int i = 0; i < c.projLayers(); i++) {
                double out = i == c.projLayers() - 1 ? c.projOut() : c.projHidden();
                proj += in * out;
                in = out;
            }
            return (macs + proj) / 1e9;
        }
        long e = c.decoderDim();
        macs += (e != d ? (double) t * d * e : 0)
                + c.decoderDepth() * ((double) t * (blockMacs(e, c.mlpHidden(c.decoderDim())) + (d + e) * e)
                + (double) d * 6 * e)
                + (double) l * e * p2c;
        return macs / 1e9;
    }

    private static final int VIT_EXTRAS = 2;

    /** Parameters of one pre-norm block: 2 LayerNorms, qkv (no bias), proj, fc1, fc2. */
    private static long block(long w, long hidden) {
        return 2 * w + 3 * w * w + w * w + w + 2 * w + w * hidden + hidden + hidden * w + w;
    }

    private static double blockMacs(long w, long hidden) {
        return 4.0 * w * w + 2.0 * w * hidden;
    }
}
