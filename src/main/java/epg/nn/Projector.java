// The RCM projection head (spec §2.1): Linear, BN, ReLU, Linear, BN, ReLU, Linear (no biases, no BN at the end).
package epg.nn;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import java.util.ArrayList;
import java.util.List;

/** The RCM projection head: Linear, BatchNorm, ReLU, Linear, BatchNorm, ReLU, Linear, without biases. */
public final class Projector {
    private final List<Linear> linears = new ArrayList<>();
    private final List<BatchNorm1d> norms = new ArrayList<>();

    /** Registers the layers in {@code list} under PyTorch's Sequential keys 0, 1, (ReLU 2), 3, 4, (ReLU 5), 6. */
    Projector(ModuleList<Module> list, int in, int hidden, int out, int layers) {
        int key = 0;
        for (int l = 0; l < layers; l++) {
            boolean last = l == layers - 1;
            linears.add(list.put(key++, new Linear(l == 0 ? in : hidden, last ? out : hidden, false)));
            if (!last) {
                norms.add(list.put(key++, new BatchNorm1d(hidden)));
                key++; // ReLU
            }
        }
    }

    /** Synchronised BatchNorm over the data-parallel replicas (null: per-process statistics). */
    void synchronise(ReplicaSum sync) { norms.forEach(n -> n.synchronise(sync)); }

    /** h [B, D] → [B, out]. */
    Tensor forward(Tensor h) {
        Tensor x = h;
        for (int l = 0; l < linears.size(); l++) {
            x = linears.get(l).forward(x);
            if (l < norms.size()) x = torch.relu(norms.get(l).forward(x));
        }
        return x;
    }
}
