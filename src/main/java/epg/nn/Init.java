// Every initialisation rule of spec §2.1 and §2.2 in one place, all drawn from one seeded generator.
package epg.nn;

import epg.tensor.Rng;
import epg.tensor.Torch;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.ScalarOptional;
import org.bytedeco.pytorch.Tensor;

/** The initialisation of RCM encoders and EPG models, every tensor drawn from one seeded generator. */
public final class Init {
    private Init() {}

    /**
     * RCM encoder: qkv ±sqrt(6/(D+D)), other Linear Xavier-uniform, biases 0, LayerNorm 1/0 (their construction
     * values), patch embed ±sqrt(6/(3p²+D)).
     */
    public static void rcm(RcmEncoder m, Rng rng) {
        try (NoGradGuard g = new NoGradGuard()) {
            tokens(m, rng);
            int p = m.config.patchSize(), d = m.config.dim();
            for (EncoderBlock b : m.blocks.items()) {
                uniform(b.attn.qkv.weight, Math.sqrt(6.0 / (d + d)), rng);
                xavier(b.attn.proj, rng);
                xavier(b.mlp.fc1, rng);
                xavier(b.mlp.fc2, rng);
            }
            m.namedParameters().forEach((name, t) -> {
                if (name.startsWith("projection_head") && name.endsWith("weight") && t.dim() == 2) xavier(t, rng);
            });
            uniform(m.patchEmbed.proj.weight, Math.sqrt(6.0 / (3.0 * p * p + d)), rng);
        }
    }

    /**
     * EPG model: all Linear Xavier-uniform, biases 0; class_embed N(0, 0.02); then adaLN-Zero as DiT's
     * initialize_weights: every adaLN_modulation.1 and the output head {@code out} zero, weight and bias.
     */
    public static void epg(EpgModel m, Rng rng) {
        try (NoGradGuard g = new NoGradGuard()) {
            tokens(m, rng);
            int p = m.config.patchSize(), d = m.config.dim();
            uniform(m.patchEmbed.proj.weight, Math.sqrt(6.0 / (3.0 * p * p + d)), rng);
            for (EncoderBlock b : m.blocks.items())
                for (Linear l : new Linear[]{b.attn.qkv, b.attn.proj, b.mlp.fc1, b.mlp.fc2}) xavier(l, rng);
            for (DecoderBlock b : m.decoderBlocks.items()) {
                for (Linear l : new Linear[]{b.attn.qkv, b.attn.proj, b.mlp.fc1, b.mlp.fc2, b.skipLinear})
                    xavier(l, rng);
            }
            if (m.encoderToDecoder != null) xavier(m.encoderToDecoder, rng);
            m.classEmbed.weight.normal_(0, 0.02, rng.optional());
            for (DecoderBlock b : m.decoderBlocks.items()) zero(b.adaLN); // each block starts as the identity
            zero(m.out); // so the network's first output is 0 (DiT's final_layer.linear)
        }
    }

    /** cls_token ~ N(0, 1e-6), pos_embed ~ truncN(0, 0.02) on [−2, 2] (timm's absolute bounds: 100σ, never hit). */
    private static void tokens(VitEncoder m, Rng rng) {
        m.clsToken.normal_(0, 1e-6, rng.optional());
        m.posEmbed.normal_(0, 0.02, rng.optional())
                .clamp_(new ScalarOptional(Torch.scalar(-2)), new ScalarOptional(Torch.scalar(2)));
    }

    /** Xavier-uniform weight and zero bias (DiT's and timm's _basic_init). */
    private static void xavier(Linear l, Rng rng) {
        xavier(l.weight, rng);
        if (l.bias != null) l.bias.zero_();
    }

    private static void zero(Linear l) {
        l.weight.zero_();
        if (l.bias != null) l.bias.zero_();
    }

    private static void xavier(Tensor w, Rng rng) {
        long out = w.size(0), in = w.size(1);
        uniform(w, Math.sqrt(6.0 / (in + out)), rng);
    }

    private static void uniform(Tensor w, double bound, Rng rng) { w.uniform_(-bound, bound, rng.optional()); }
}
