// Image to patch tokens (spec §2.1): Conv2d(C→D, kernel p, stride p), then [B, D, m, n] → [B, m·n, D].
package epg.nn;

import org.bytedeco.pytorch.Tensor;

/** Image to patch tokens: a patch-size convolution, then [B, D, m, n] → [B, m·n, D]. */
public final class PatchEmbed extends Module {
    public final Conv2d proj;

    public PatchEmbed(int channels, int dim, int patch) {
        this.proj = child("proj", new Conv2d(channels, dim, patch));
    }

    public Tensor forward(Tensor x) {
        return proj.forward(x).flatten(2, -1).transpose(1, 2); // [B, L, D]
    }
}
