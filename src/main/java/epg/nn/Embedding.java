// The class embedding table (spec §2.2 class_embed): num_classes + 1 rows, the last one the unconditional class.
package epg.nn;

import epg.tensor.Torch;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/** The class embedding table: one row per class and a last row for the unconditional label. */
public final class Embedding extends Module {
    public final Tensor weight;

    public Embedding(int rows, int dim) {
        this.weight = parameter("weight", Torch.zeros(rows, dim));
    }

    public Tensor forward(Tensor indices) {
        return torch.embedding(weight, indices); // [..., dim]
    }
}
