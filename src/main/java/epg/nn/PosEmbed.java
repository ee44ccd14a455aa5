// Spec §2.2: fine-tuning at another token grid resizes pos_embed's patch part bicubically; the 2 extra tokens stay.
package epg.nn;

import epg.tensor.Torch;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

/** Resizes a pos_embed to another token grid (bicubic on the patch part; the extra tokens kept). */
public final class PosEmbed {
    private PosEmbed() {}

    /**
     * [1, 2 + g², D] → [1, 2 + n², D] with libtorch's bicubic interpolation (align_corners false, A = −0.75, no
     * antialiasing: PyTorch's F.interpolate(mode="bicubic")).
     */
    public static Tensor resize(Tensor posEmbed, int newGrid) {
        long[] s = Torch.shape(posEmbed);
        long d = s[2], tokens = s[1] - VitEncoder.EXTRAS;
        int g = (int) Math.round(Math.sqrt(tokens));
        if ((long) g * g != tokens)
            throw new IllegalArgumentException("pos_embed holds " + tokens + " patch tokens, not a square grid");
        if (g == newGrid) return posEmbed;
        long n = newGrid;
        Tensor grid = posEmbed.narrow(1, VitEncoder.EXTRAS, tokens).reshape(1, g, g, d)
                .permute(0, 3, 1, 2);                                                    // [1, D, g, g]
        Tensor resized = torch.upsample_bicubic2d(grid.contiguous(), new long[]{n, n}, false); // [1, D, n, n]
        Tensor patches = resized.permute(0, 2, 3, 1).reshape(1, n * n, d);                    // [1, n·n, D]
        return torch.cat(new TensorVector(posEmbed.narrow(1, 0, VitEncoder.EXTRAS), patches), 1);
    }

    /** Resizes a checkpoint's pos_embed in place in {@code stateDict} to fit {@code target}'s token grid. */
    public static void fit(java.util.Map<String, Tensor> stateDict, VitEncoder target) {
        Tensor pe = stateDict.get("pos_embed");
        if (pe == null) return;
        int grid = target.config.imageSize() / target.config.patchSize();
        if (Torch.shape(pe)[1] != VitEncoder.EXTRAS + (long) grid * grid) stateDict.put("pos_embed", resize(pe, grid));
    }
}
