// The EPG fine-tuning network "EPGViT" (spec §2.2): encoder, adaLN-Zero decoder with reversed skips, x-prediction.
package epg.nn;

import epg.config.ModelConfig;
import org.bytedeco.pytorch.Tensor;

import java.util.ArrayDeque;
import java.util.Deque;

/** Maps (c_in·x_σ, c(σ), y) to an image; it knows nothing of σ (the preconditioning does). */
public final class EpgModel extends VitEncoder {
    public final ModuleList<DecoderBlock> decoderBlocks;
    public final Linear encoderToDecoder; // null when D = D'
    public final LayerNorm outNorm;
    public final Linear out;
    public final Embedding classEmbed;

    public EpgModel(ModelConfig c) {
        super(c);
        if (c.kind() != ModelConfig.Kind.EPG) throw new IllegalArgumentException(c.name() + " is not an EPG preset");
        this.decoderBlocks = child("decoder_blocks", new ModuleList<>());
        for (int j = 0; j < c.decoderDepth(); j++)
            decoderBlocks.add(new DecoderBlock(c.decoderDim(), c.dim(), c.decoderHeads(), c.mlpHidden(c.decoderDim()),
                    c.attnDropout(), c.decoderDropout(), c.fusedAttention()));
        this.encoderToDecoder = c.decoderDim() == c.dim() ? null
                : child("encoder_to_decoder", new Linear(c.dim(), c.decoderDim(), true));
        this.outNorm = child("out_norm", new LayerNorm(c.decoderDim()));
        int p = c.patchSize();
        this.out = child("out", new Linear(c.decoderDim(), p * p * c.channels(), true));
        this.classEmbed = child("class_embed", new Embedding(c.numClasses() + 1, c.dim()));
    }

    /** Training mode on or off; returns this EpgModel. */
    @Override
    public EpgModel train(boolean on) {
        super.train(on);
        return this;
    }

    /** Evaluation mode; returns this EpgModel. */
    @Override
    public EpgModel eval() {
        super.eval();
        return this;
    }

    /** Moves every tensor to {@code device} in place; returns this EpgModel. */
    @Override
    public EpgModel to(org.bytedeco.pytorch.Device device) {
        super.to(device);
        return this;
    }

    /** Makes every decoder dropout draw its masks from {@code rng}: a saved generator state replays them (spec §5). */
    public void dropoutGenerator(epg.tensor.Rng rng) {
        for (DecoderBlock blk : decoderBlocks.items()) blk.attn.dropoutGenerator(rng);
    }

    /** x [B, C, H, W] (c_in-scaled), c(σ) [B], labels y [B] (int64; numClasses: unconditional) → [B, C, H, W]. */
    public Tensor forward(Tensor x, Tensor timeCondition, Tensor labels) {
        Tensor time = timeToken(timeCondition);                       // [B, 1, D]
        Tensor yEmb = classEmbed.forward(labels).unsqueeze(1);        // [B, 1, D]
        Deque<Tensor> skips = new ArrayDeque<>();
        Tensor h = runBlocks(embed(x, time, clsToken.add(yEmb)), skips::push); // [B, 2+L, D]
        h = norm.forward(h);
        if (encoderToDecoder != null) h = encoderToDecoder.forward(h); // [B, 2+L, D']
        Tensor cond = time.add(yEmb);                                  // [B, 1, D]
        for (DecoderBlock blk : decoderBlocks.items())
            h = blk.forward(h, cond, skips.pop()); // skips in reverse: the last encoder block's first
        h = outNorm.forward(h.narrow(1, VitEncoder.EXTRAS, config.tokens())); // [B, L, D']
        return unpatchify(out.forward(h));                            // [B, C, H, W]
    }

    /** The class-conditioned CLS token, cls_token + class_embed(y): labels [B] → [B, 1, D]. */
    @Override
    protected Tensor cls(Tensor labels) { return clsToken.add(classEmbed.forward(labels).unsqueeze(1)); }

    /** [B, (m n), (p1 p2 c)] → [B, c, m·p1, n·p2]. */
    private Tensor unpatchify(Tensor x) {
        long b = shape(x)[0];
        int p = config.patchSize(), g = config.imageSize() / p, c = config.channels();
        return x.reshape(b, g, g, p, p, c).permute(0, 5, 1, 3, 2, 4).reshape(b, c, (long) g * p, (long) g * p);
    }
}
