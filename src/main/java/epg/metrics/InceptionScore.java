// Inception Score (spec §7; ADM's compute_inception_score): mean over splits of exp(mean KL(p(y|x) || p(y))).
package epg.metrics;

import epg.tensor.Scope;
import epg.tensor.Torch;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * Split i holds rows [i·N/splits, (i+1)·N/splits) (improved-GAN's partition; ADM cuts 5000-row splits, which is the
 * same for its 50k samples). p(y|x) is the softmax of the logits, p(y) the split's mean; float64 throughout.
 */
public final class InceptionScore {
    public static final int SPLITS = 10;

    private InceptionScore() {}

    public static double of(Tensor logits) { return of(logits, SPLITS); }

    public static double of(Tensor logits, int splits) {
        long n = logits.size(0);
        if (Torch.shape(logits).length != 2 || n < splits)
            throw new IllegalArgumentException("the Inception Score over " + splits + " splits needs logits [N >= "
                    + splits + ", classes], got " + Torch.shapeString(logits));
        try (Scope s = Scope.open()) {
            Tensor logp = torch.log_softmax(logits.to(ScalarType.Double), 1); // [N, classes]
            double sum = 0;
            for (int i = 0; i < splits; i++) {
                long from = i * n / splits, to = (i + 1) * n / splits;
                sum += splitScore(logp.narrow(0, from, to - from));
            }
            return sum / splits;
        }
    }

    private static double splitScore(Tensor logp) {
        Tensor p = logp.exp();
        Tensor logMarginal = p.mean(0).log().unsqueeze(0);
        return Math.exp(p.mul(logp.sub(logMarginal)).sum(1).mean().item_double());
    }
}
