// The time token (spec §1): sinusoidal embedding of c(σ), cosines first, width D, no MLP.
package epg.nn;

import epg.tensor.Torch;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/** The time token: a sinusoidal embedding of c(σ), cosines first, width D, without an MLP. */
public final class TimestepEmbedding {
    private TimestepEmbedding() {}

    /** c [B] → [B, dim]: [cos(c f_k), sin(c f_k)], f_k = exp(−ln(10000) k/half); a zero column when dim is odd. */
    public static Tensor embed(Tensor c, int dim) {
        int half = dim / 2;
        Tensor k = torch.arange(new Scalar(0), new Scalar(half), Torch.options(ScalarType.Float, c.device())); // [half]
        Tensor freqs = k.mul(Torch.scalar(-Math.log(10000.0) / half)).exp();                                   // [half]
        Tensor args = c.to(ScalarType.Float).unsqueeze(1).mul(freqs.unsqueeze(0));                          // [B, half]
        Tensor e = torch.cat(new TensorVector(args.cos(), args.sin()), 1);                            // [B, 2·half]
        if (dim % 2 == 1) e = torch.cat(new TensorVector(e, torch.zeros_like(e.narrow(1, 0, 1))), 1);
        return e;
    }
}
