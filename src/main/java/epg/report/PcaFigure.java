// Paper Figures 5/6 (encoder features): each image at several noise levels beside the PCA colours of its patch tokens.
package epg.report;

import epg.data.BatchTensors;
import epg.data.ByteImage;
import epg.data.Normalization;
import epg.diffusion.KarrasGrid;
import epg.diffusion.Preconditioning;
import epg.metrics.PatchPca;
import epg.nn.VitEncoder;
import epg.tensor.Rng;
import epg.tensor.Scope;
import epg.tensor.Torch;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

import java.util.ArrayList;
import java.util.List;

/**
 * For image i and unshifted level σ_k (t = σ_k·s): x_t = x + t·ε_i (one ε per image, drawn from the seed, the same at
 * every level), the encoder's patch tokens of c_in(t)·x_t at c(t) (EPG: with the given label), a {@link PatchPca}
 * fitted per level on the tokens of every image (colours compare across images; the noise level itself would
 * otherwise be the first component), or one over all levels ({@code joint}), and a picture: a row per image, per
 * level a pair of tiles: the noisy input (σ_data·c_in·x_t, which keeps the data range) and the tokens' first three
 * components as RGB, each token a block of patch × scale pixels. Pairs are separated by a white gap of 2·scale pixels.
 */
public final class PcaFigure {
    private PcaFigure() {}

    /** The picture and, per fit (each level, or one joint fit), the variance share of each of the components. */
    public record Result(ByteImage picture, double[][] variance) {}

    /**
     * {@code images}: at the model's resolution and channel count; {@code label}: the class of every image for an EPG
     * model (numClasses = unconditional), ignored by an RCM encoder.
     */
    public static Result render(VitEncoder model, List<ByteImage> images, Normalization norm, double[] sigmas,
            long seed, int label, int scale, boolean joint) {
        var c = model.config;
        int n = images.size(), res = c.imageSize(), ch = c.channels();
        if (n == 0 || sigmas.length == 0) throw new IllegalArgumentException("no images or no noise levels");
        if (scale < 1) throw new IllegalArgumentException("--scale must be >= 1, got " + scale);
        float[] pixels = new float[n * ch * res * res];
        for (int i = 0; i < n; i++) {
            ByteImage img = images.get(i);
            if (img.width() != res || img.height() != res || img.channels() != ch)
                throw new IllegalArgumentException("image " + i + " is " + img.width() + "×" + img.height() + "×"
                        + img.channels() + ", the model takes " + res + "×" + res + "×" + ch);
            norm.normalize(img, pixels, i * ch * res * res);
        }
        model.eval();
        try (Scope s = Scope.open(); NoGradGuard g = new NoGradGuard()) {
            Tensor x = BatchTensors.images(pixels, n, ch, res, res);                          // [n, C, H, W]
            Tensor eps = torch.randn(Torch.shape(x), new Rng(seed).optional(), Torch.options(ScalarType.Float));
            Tensor labels = torch.full(new long[]{n}, Torch.scalar(label), Torch.options(ScalarType.Long)); // [n]
            List<Tensor> tokens = new ArrayList<>(), shown = new ArrayList<>();
            for (double sigma : sigmas) {
                double t = sigma * c.shift();
                Tensor in = x.add(eps.mul(Torch.scalar(t))).mul(Torch.scalar(Preconditioning.cIn(t))); // [n, C, H, W]
                Tensor cond = torch.full(new long[]{n}, Torch.scalar(Preconditioning.timeCondition(t)));  // [n]
                tokens.add(model.patchTokens(in, cond, labels));                                  // [n, L, D]
                shown.add(in.mul(Torch.scalar(KarrasGrid.SIGMA_DATA)));                      // [n, C, H, W]
            }
            List<PatchPca> fits = new ArrayList<>();
            if (joint) {
                Tensor all = torch.stack(new TensorVector(tokens.toArray(new Tensor[0])));       // [K, n, L, D]
                PatchPca one = PatchPca.fit(all.reshape(-1, c.dim()));
                for (int k = 0; k < sigmas.length; k++) fits.add(one);
            } else {
                for (Tensor level : tokens) fits.add(PatchPca.fit(level.reshape(-1, c.dim())));  // [n·L, D]
            }
            double[][] variance = (joint ? fits.subList(0, 1) : fits).stream().map(PatchPca::variance)
                    .toArray(double[][]::new);
            return new Result(compose(fits, tokens, shown, norm, c.imageSize() / c.patchSize(), c.patchSize(), scale),
                    variance);
        }
    }

    private static ByteImage compose(List<PatchPca> fits, List<Tensor> tokens, List<Tensor> shown, Normalization norm,
            int grid, int patch, int scale) {
        int n = (int) tokens.get(0).size(0), levels = tokens.size(), tile = grid * patch * scale, gap = 2 * scale;
        ByteImage out = ByteImage.blank(levels * (2 * tile + gap) - gap, n * tile, 3);
        java.util.Arrays.fill(out.pixels(), (byte) 255);
        for (int k = 0; k < levels; k++) {
            List<ByteImage> inputs = BatchTensors.toImages(shown.get(k), norm);
            Tensor level = tokens.get(k);                                                     // [n, L, D]
            float[] rgb = Torch.toFloats(fits.get(k).rgb(level.reshape(-1, level.size(2))).to(ScalarType.Float));
            for (int i = 0; i < n; i++) {
                int x0 = k * (2 * tile + gap), y0 = i * tile;
                paste(out, upscale(inputs.get(i).toRgb(), scale), x0, y0);
                paste(out, upscale(colours(rgb, i * grid * grid, grid), patch * scale), x0 + tile, y0);
            }
        }
        return out;
    }

    /** A grid × grid RGB image of the colours [L, 3] of one image's tokens, starting at token {@code first}. */
    private static ByteImage colours(float[] rgb, int first, int grid) {
        byte[] p = new byte[grid * grid * 3];
        for (int j = 0; j < p.length; j++) p[j] = (byte) Math.round(255 * rgb[first * 3 + j]);
        return new ByteImage(grid, grid, 3, p);
    }

    /** Each pixel becomes a factor × factor block. */
    static ByteImage upscale(ByteImage img, int factor) {
        int w = img.width() * factor, h = img.height() * factor, c = img.channels();
        byte[] p = new byte[w * h * c];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
                System.arraycopy(img.pixels(), ((y / factor) * img.width() + x / factor) * c, p, (y * w + x) * c, c);
        return new ByteImage(w, h, c, p);
    }

    private static void paste(ByteImage dst, ByteImage src, int x0, int y0) {
        for (int y = 0; y < src.height(); y++)
            System.arraycopy(src.pixels(), y * src.width() * 3, dst.pixels(), ((y0 + y) * dst.width() + x0) * 3,
                    src.width() * 3);
    }
}
