// Dropout (spec §2.2 decoder attn_drop / proj_drop, §5 decoder dropout 0.5); a no-op outside training.
package epg.nn;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

final class Dropout {
    private Dropout() {}

    static Tensor apply(Tensor x, double p, boolean training) {
        return training && p > 0 ? torch.dropout(x, p, true) : x;
    }
}
