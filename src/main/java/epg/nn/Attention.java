// Multi-head self-attention (spec §2.1): qkv Linear D→3D (no bias), softmax(q·kᵀ/√d_head)·v, proj D→D.
package epg.nn;

import epg.tensor.Autocast;
import epg.tensor.Torch;
import org.bytedeco.pytorch.DoubleOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

/**
 * Multi-head self-attention: qkv projection without bias, fused or matmul-softmax-matmul attention, output projection.
 */
public final class Attention extends Module {
    public final Linear qkv, proj;
    private final int heads;
    private final double attnDrop, projDrop;
    private final boolean fused;
    private epg.tensor.Rng dropoutRng;

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
    public void dropoutGenerator(epg.tensor.Rng rng) { this.dropoutRng = rng; }

    public Tensor forward(Tensor x) {
        long[] s = shape(x);
        long b = s[0], l = s[1], d = s[2], hd = d / heads;
        TensorVector qkvs = qkv.forward(x)                                   // [B, L, 3D]
                .view(b, l, 3, heads, hd).permute(2, 0, 3, 1, 4).unbind(0);  // 3 × [B, H, L, hd]
        Tensor q = qkvs.get(0), k = qkvs.get(1), v = qkvs.get(2);
        double drop = isTraining() ? attnDrop : 0;
        Tensor o;
        // Fused attention is the faster kernel in fp32 but slower under bf16 autocast on CPU (docs/benchmarks.md),
        // so autocast takes the matmul-softmax-matmul path.
        if (fused && !Autocast.active() && (drop == 0 || dropoutRng == null)) {
            o = torch.scaled_dot_product_attention(q, k, v, new TensorOptional(), drop, false,
                    new DoubleOptional(), false);                                         // [B, H, L, hd]
        } else {
            Tensor scores = q.matmul(k.transpose(-2, -1)).mul_(Torch.scalar(1.0 / Math.sqrt(hd))); // [B, H, L, L]
            o = Dropout.apply(scores.softmax(-1), drop, true, dropoutRng).matmul(v);               // [B, H, L, hd]
        }
        Tensor y = proj.forward(o.transpose(1, 2).reshape(b, l, d));       // [B, L, D]
        return Dropout.apply(y, projDrop, isTraining(), dropoutRng);
    }
}
