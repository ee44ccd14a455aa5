// The ViT encoder of the RCM and EPG networks (spec §2.1): [cls, time, patches] + pos_embed → blocks → norm.
package epg.nn;

import epg.config.ModelConfig;
import epg.tensor.Torch;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

import java.util.function.Consumer;

/** Its keys sit at the top level of both networks: cls_token, pos_embed, patch_embed.*, blocks.*, norm.*. */
public abstract class VitEncoder extends Module {
    /** Tokens before the patches: the CLS token and the time token. */
    public static final int EXTRAS = 2;
    /** The released networks' no_weight_decay(): the parameters a weight-decay exemption names (both networks). */
    public static final java.util.Set<String> NO_WEIGHT_DECAY = java.util.Set.of("pos_embed", "cls_token");
    public final ModelConfig config;
    public final Tensor clsToken, posEmbed;
    public final PatchEmbed patchEmbed;
    public final ModuleList<EncoderBlock> blocks;
    public final LayerNorm norm;

    protected VitEncoder(ModelConfig c) {
        this.config = c;
        this.clsToken = parameter("cls_token", Torch.zeros(1, 1, c.dim()));
        this.posEmbed = parameter("pos_embed", Torch.zeros(1, EXTRAS + c.tokens(), c.dim()));
        this.patchEmbed = child("patch_embed", new PatchEmbed(c.channels(), c.dim(), c.patchSize()));
        this.blocks = child("blocks", new ModuleList<>());
        for (int i = 0; i < c.depth(); i++)
            blocks.add(new EncoderBlock(c.dim(), c.heads(), c.mlpHidden(c.dim()), c.fusedAttention()));
        this.norm = child("norm", new LayerNorm(c.dim()));
    }

    /**
     * The input sequence: x [B, C, H, W], time token [B, 1, D], CLS token (+ class embedding) [B or 1, 1, D] →
     * [B, 2+L, D].
     */
    protected final Tensor embed(Tensor x, Tensor timeToken, Tensor cls) {
        Tensor patches = patchEmbed.forward(x);                              // [B, L, D]
        long b = shape(patches)[0];
        Tensor clsB = cls.expand(b, 1, config.dim());                      // [B, 1, D]
        return torch.cat(new TensorVector(clsB, timeToken, patches), 1).add(posEmbed); // [B, 2+L, D]
    }

    /** Runs the blocks; {@code eachBlock} sees every block's output (the decoder's skips). */
    protected final Tensor runBlocks(Tensor x, Consumer<Tensor> eachBlock) {
        for (EncoderBlock blk : blocks.items()) {
            x = blk.forward(x);                                              // [B, 2+L, D]
            if (eachBlock != null) eachBlock.accept(x);
        }
        return x;
    }

    /**
     * The patch tokens after the encoder's last LayerNorm (what the EPG decoder reads; in an RCM network the norm is
     * otherwise applied to the CLS token only): x (c_in-scaled) [B, C, H, W], c(σ) [B], labels [B] (EPG: the class
     * conditions the CLS token; numClasses = unconditional; RCM: ignored) → [B, L, D].
     */
    public final Tensor patchTokens(Tensor x, Tensor timeCondition, Tensor labels) {
        Tensor h = norm.forward(runBlocks(embed(x, timeToken(timeCondition), cls(labels)), null)); // [B, 2+L, D]
        return h.narrow(1, EXTRAS, config.tokens());                                              // [B, L, D]
    }

    /** The CLS token the sequence starts with for these labels [B] → [B or 1, 1, D] (here: the learnt token). */
    protected Tensor cls(Tensor labels) { return clsToken; }

    /** The time token of c(σ) [B] → [B, 1, D]. */
    protected final Tensor timeToken(Tensor timeCondition) {
        return TimestepEmbedding.embed(timeCondition, config.dim()).unsqueeze(1);
    }
}
