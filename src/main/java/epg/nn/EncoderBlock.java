// The pre-LayerNorm encoder block (spec §2.1 blocks.{i}): x += attn(norm1(x)); x += mlp(norm2(x)).
package epg.nn;

import epg.tensor.Scope;
import org.bytedeco.pytorch.Tensor;

/** One pre-LayerNorm transformer block: {@code x += attn(norm1(x)); x += mlp(norm2(x))}. */
public final class EncoderBlock extends Module {
    public final LayerNorm norm1, norm2;
    public final Attention attn;
    public final Mlp mlp;

    public EncoderBlock(int dim, int heads, int mlpHidden, boolean fused) {
        this.norm1 = child("norm1", new LayerNorm(dim));
        this.attn = child("attn", new Attention(dim, heads, 0, 0, fused));
        this.norm2 = child("norm2", new LayerNorm(dim));
        this.mlp = child("mlp", new Mlp(dim, mlpHidden));
    }

    /** Runs in its own native scope (see {@link Scope#nested}): the block's temporaries are released at its end. */
    public Tensor forward(Tensor x) {
        return Scope.nested(() -> {
            Tensor h = x.add(attn.forward(norm1.forward(x)));  // [B, L, D]
            return h.add(mlp.forward(norm2.forward(h)));
        });
    }
}
