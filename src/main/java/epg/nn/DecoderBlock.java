// The adaLN-Zero decoder block with a long skip (spec §2.2 decoder_blocks.{j}).
package epg.nn;

import epg.tensor.Scope;
import epg.tensor.Torch;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

/** One adaLN-Zero decoder block: attention and MLP modulated by the condition, with the long skip from the encoder. */
public final class DecoderBlock extends Module {
    public final LayerNorm norm1, norm2, skipNorm;
    public final Attention attn;
    public final Mlp mlp;
    public final Linear skipLinear, adaLN;

    /** {@code dim} = D' (decoder width), {@code condDim} = D (encoder width: the skip and the condition). */
    public DecoderBlock(int dim, int condDim, int heads, int mlpHidden, double attnDrop, double projDrop,
            boolean fused) {
        this.norm1 = child("norm1", new LayerNorm(dim));
        this.attn = child("attn", new Attention(dim, heads, attnDrop, projDrop, fused));
        this.norm2 = child("norm2", new LayerNorm(dim));
        this.mlp = child("mlp", new Mlp(dim, mlpHidden));
        this.skipLinear = child("skip_linear", new Linear(condDim + dim, dim, true));
        this.skipNorm = child("skip_norm", new LayerNorm(dim));
        this.adaLN = child("adaLN_modulation", new ModuleList<Linear>()).put(1, new Linear(condDim, 6 * dim, true));
    }

    /** x [B, L, D'], cond [B, 1, D], skip [B, L, D] → [B, L, D'], in its own native scope (see EncoderBlock). */
    public Tensor forward(Tensor x, Tensor cond, Tensor skip) {
        return Scope.nested(() -> {
            Tensor h = skipNorm.forward(skipLinear.forward(torch.cat(new TensorVector(x, skip), 2))); // [B, L, D']
            TensorVector m = adaLN.forward(torch.silu(cond)).chunk(6, 2);                       // 6 × [B, 1, D']
            h = torch.addcmul(h, m.get(2), attn.forward(modulate(norm1.forward(h), m.get(0), m.get(1)))); // h + gate·y
            return torch.addcmul(h, m.get(5), mlp.forward(modulate(norm2.forward(h), m.get(3), m.get(4))));
        });
    }

    /** x·(1 + scale) + shift: one pass over x [B, L, D'] (1 + scale is [B, 1, D']). */
    private static Tensor modulate(Tensor x, Tensor shift, Tensor scale) {
        return torch.addcmul(shift, x, scale.add(Torch.scalar(1)));
    }
}
