// Multi-head self-attention (spec §2.1): qkv Linear D→3D (no bias), softmax(q·kᵀ/√d_head)·v, proj D→D.
package epg.nn;

import epg.tensor.Rng;
import epg.tensor.Torch;
import org.bytedeco.pytorch.DoubleOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

/**
 * Multi-head self-attention: qkv projection without bias, attention by the kernel {@link AttentionKernel} picks
 * (fused SDPA or explicit baddbmm-softmax-bmm), output projection. The parameters (qkv.weight, proj.weight,
 * proj.bias) are the released ones whatever the kernel.
 */
public final class Attention extends Module {
    public final Linear qkv, proj;
    private final int heads;
    private final double attnDrop, projDrop;
    private final boolean fused;
    private Rng dropoutRng;

    /** {@code fused}: the fused kernel may be chosen (see {@link AttentionKernel}); false: always explicit. */
    public Attention(int dim, int heads, double attnDrop, double projDrop, boolean fused) {
        if (dim % heads != 0)
            throw new IllegalArgumentException("width " + dim + " is not divisible by " + heads + " heads");
        this.qkv = child("qkv", new Linear(dim, 3 * dim, false));
        this.proj = child("proj", new Linear(dim, dim, true));
        this.heads = heads;
        this.attnDrop = attnDrop;
        this.projDrop = projDrop;
        this.fused = fused;
    }

    /** Draws dropout masks from {@code rng} (null: libtorch's global generator); see {@link Dropout}. */
    public void dropoutGenerator(Rng rng) { this.dropoutRng = rng; }

    public Tensor forward(Tensor x) {
        long[] s = shape(x);
        long b = s[0], l = s[1], d = s[2];
        Tensor qkvs = qkv.forward(x).view(b, l, 3, heads, d / heads);                 // [B, L, 3, H, hd]
        double drop = isTraining() ? attnDrop : 0;
        // Attention dropout with this module's generator needs the explicit kernel (SDPA draws from the global one).
        AttentionKernel kernel = drop > 0 && dropoutRng != null ? AttentionKernel.EXPLICIT
                : AttentionKernel.choose(fused, qkvs.permute(2, 0, 3, 1, 4).select(0, 0));
        AttentionKernel.lastUsed = kernel;
        Tensor y = proj.forward(attend(kernel, qkvs, drop, dropoutRng));              // [B, L, D]
        return Dropout.apply(y, projDrop, isTraining(), dropoutRng);
    }

    /** softmax(q·kᵀ/√hd)·v of {@code qkvs} [B, L, 3, H, hd] by {@code kernel}, heads merged: [B, L, H·hd]. */
    static Tensor attend(AttentionKernel kernel, Tensor qkvs, double drop, Rng rng) {
        return switch (kernel) {
            case SDPA -> fused(qkvs, drop);
            case EXPLICIT -> explicit(qkvs, drop, rng);
            case MATMUL -> matmul(qkvs, drop, rng);
        };
    }

    /**
     * The fused kernel reads q, k, v as strided views (no copy) and writes its output laid out [B, L, H, hd], so the
     * merge of the heads is a view too.
     */
    private static Tensor fused(Tensor qkvs, double drop) {
        long[] s = shape(qkvs);
        TensorVector t = qkvs.permute(2, 0, 3, 1, 4).unbind(0);                        // 3 × [B, H, L, hd]
        Tensor o = torch.scaled_dot_product_attention(t.get(0), t.get(1), t.get(2), new TensorOptional(), drop,
                false, new DoubleOptional(), false);                                    // [B, H, L, hd]
        return o.transpose(1, 2).reshape(s[0], s[1], s[3] * s[4]);                    // [B, L, D]
    }

    /**
     * One copy makes q, k, v head-major ([3, B·H, L, hd]); the scores are one baddbmm with the scale as its alpha
     * (no pass over the [B·H, L, L] scores for it), the output one bmm; merging the heads is the second copy.
     */
    private static Tensor explicit(Tensor qkvs, double drop, Rng rng) {
        long[] s = shape(qkvs);
        long b = s[0], l = s[1], h = s[3], hd = s[4];
        Tensor t = qkvs.permute(2, 0, 3, 1, 4).reshape(3, b * h, l, hd);               // [3, BH, L, hd]
        Tensor q = t.select(0, 0), k = t.select(0, 1), v = t.select(0, 2);              // [BH, L, hd]
        Tensor none = torch.zeros(new long[]{1, 1, 1}, Torch.options(q.scalar_type(), q.device())); // [1, 1, 1]
        Tensor scores = torch.baddbmm(none, q, k.transpose(1, 2), Torch.scalar(0),
                Torch.scalar(1.0 / Math.sqrt(hd)));                                     // [BH, L, L]
        Tensor o = Dropout.apply(scores.softmax(-1), drop, true, rng).bmm(v);           // [BH, L, hd]
        return o.view(b, h, l, hd).transpose(1, 2).reshape(b, l, h * hd);               // [B, L, D]
    }

    /** The earlier explicit path: 4-D matmuls on the strided views (each copies its operands), scaled scores. */
    private static Tensor matmul(Tensor qkvs, double drop, Rng rng) {
        long[] s = shape(qkvs);
        TensorVector t = qkvs.permute(2, 0, 3, 1, 4).unbind(0);                        // 3 × [B, H, L, hd]
        Tensor scores = t.get(0).matmul(t.get(1).transpose(-2, -1))
                .mul_(Torch.scalar(1.0 / Math.sqrt(s[4])));                             // [B, H, L, L]
        Tensor o = Dropout.apply(scores.softmax(-1), drop, true, rng).matmul(t.get(2)); // [B, H, L, hd]
        return o.transpose(1, 2).reshape(s[0], s[1], s[3] * s[4]);                     // [B, L, D]
    }
}
