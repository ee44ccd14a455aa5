// The transformer MLP (spec §2.1): fc1 D→4D, exact (erf) GELU, fc2 4D→D.
package epg.nn;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/** The transformer MLP: fc1 D→4D, exact (erf) GELU, fc2 4D→D. */
public final class Mlp extends Module {
    public final Linear fc1, fc2;

    public Mlp(int dim, int hidden) {
        this.fc1 = child("fc1", new Linear(dim, hidden, true));
        this.fc2 = child("fc2", new Linear(hidden, dim, true));
    }

    public Tensor forward(Tensor x) {
        return fc2.forward(torch.gelu(fc1.forward(x))); // [B, L, D]
    }
}
