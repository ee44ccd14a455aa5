// Class accuracy's judge (beside spec §7): a small CNN trained on Fashion-MNIST's training split, independent of EPG.
package epg.metrics;

import epg.nn.Linear;
import epg.nn.Module;
import epg.tensor.Safetensors;
import epg.tensor.Scope;
import epg.tensor.Torch;
import org.bytedeco.pytorch.LongOptional;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.ScalarOptional;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;

/**
 * Conv-BN-ReLU units of widths 16, 32 | max-pool 2 | 32, 64 | max-pool 2 | 64, global mean, linear 10, on 32 px grey
 * images in [−1, 1] (28 px Fashion-MNIST padded by 2 with background, as epg's data). Trained once by
 * {@code scripts/classifier/fmnist_classifier.py}; the weights ship as the resource {@value #RESOURCE}.
 */
public final class FashionClassifier extends Module {
    public static final String RESOURCE = "/epg/metrics/fmnist-classifier.safetensors";
    public static final int SIZE = 32, CLASSES = 10;
    public static final String[] CLASS_NAMES = epg.data.DatasetRegistry.FASHION_MNIST_CLASSES.toArray(String[]::new);
    private static final int[] WIDTHS = {16, 32, 32, 64, 64};
    private static final long[] POOL = {2, 2}, NO_PAD = {0, 0}, DILATION = {1, 1}, SPATIAL = {2, 3};
    private final BasicConv2d[] units = new BasicConv2d[WIDTHS.length];
    private final Linear fc;
    private final String testAccuracy;

    private FashionClassifier(String testAccuracy) {
        for (int k = 0, in = 1; k < WIDTHS.length; in = WIDTHS[k++])
            units[k] = child("units." + k, new BasicConv2d(in, WIDTHS[k], 3, 1, 1));
        fc = child("fc", new Linear(WIDTHS[WIDTHS.length - 1], CLASSES, true));
        this.testAccuracy = testAccuracy;
        eval();
    }

    /** Training mode on or off; returns this FashionClassifier. */
    @Override
    public FashionClassifier train(boolean on) {
        super.train(on);
        return this;
    }

    /** Evaluation mode; returns this FashionClassifier. */
    @Override
    public FashionClassifier eval() {
        super.eval();
        return this;
    }

    /** Moves every tensor to {@code device} in place; returns this FashionClassifier. */
    @Override
    public FashionClassifier to(org.bytedeco.pytorch.Device device) {
        super.to(device);
        return this;
    }

    /** The committed classifier (the jar's resource). */
    public static FashionClassifier load() throws IOException {
        Path tmp = Files.createTempFile("epg-fmnist-classifier", ".safetensors");
        try (InputStream in = FashionClassifier.class.getResourceAsStream(RESOURCE)) {
            if (in == null) throw new IOException("resource " + RESOURCE + " is not on the class path: rebuild epg");
            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            return load(tmp);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** A classifier from a safetensors file as the training script writes it. */
    public static FashionClassifier load(Path weights) throws IOException {
        try (Safetensors.Contents c = Safetensors.read(weights)) {
            FashionClassifier net = new FashionClassifier(c.metadata().getOrDefault("test_accuracy", "unknown"));
            net.load(c.tensors(), true);
            return net;
        } catch (RuntimeException e) {
            throw new IOException(weights + " is not a FashionClassifier state dict: " + e.getMessage(), e);
        }
    }

    /** The share of the Fashion-MNIST test split this network classified correctly, as the training script measured. */
    public String testAccuracy() { return testAccuracy; }

    /** x [B, 1, 32, 32] in [−1, 1] → logits [B, 10]. */
    public Tensor logits(Tensor x) {
        long[] s = Torch.shape(x);
        if (s.length != 4 || s[1] != 1 || s[2] != SIZE || s[3] != SIZE)
            throw new IllegalArgumentException("the classifier takes [B, 1, 32, 32] images in [-1, 1], got "
                    + Arrays.toString(s));
        try (NoGradGuard g = new NoGradGuard()) {
            for (int k = 0; k < units.length; k++) {
                x = units[k].forward(x);                                       // [B, W_k, H, W]
                if (k == 1 || k == 3) x = torch.max_pool2d(x, POOL, POOL, NO_PAD, DILATION, false); // H, W halved
            }
            return fc.forward(x.mean(SPATIAL, false, new ScalarTypeOptional())); // [B, 64] → [B, 10]
        }
    }

    /** The predicted class of every image (see {@link #input}). */
    public long[] predict(Tensor images) {
        try (Scope s = Scope.open()) {
            return Torch.toLongs(logits(input(images)).argmax(new LongOptional(1), false)); // [B]
        }
    }

    /**
     * Images → [B, 1, 32, 32] in [−1, 1]: uint8 [B, H, W, C] (C = 1 or 3) as u/127.5 − 1, or float [B, C, H, W] in
     * [−1, 1] (a model's samples; clamped as when they are saved). RGB becomes grey by PIL's luma weights; 28 px
     * images get the 2 px background border of epg's data.
     */
    public static Tensor input(Tensor images) {
        boolean bytes = images.scalar_type().intern() == ScalarType.Byte;
        Tensor x = bytes ? FeatureExtractor.unitNchw(images, 1).mul(new Scalar(2.0)).sub(new Scalar(1.0)) // [B,1,H,W]
                : grey(images.to(ScalarType.Float).clamp(new ScalarOptional(new Scalar(-1.0)),
                        new ScalarOptional(new Scalar(1.0))));
        long[] s = Torch.shape(x);
        if (s[2] == SIZE - 4 && s[3] == SIZE - 4)
            return torch.constant_pad_nd(x, new long[]{2, 2, 2, 2}, new Scalar(-1.0));
        if (s[2] != SIZE || s[3] != SIZE)
            throw new IllegalArgumentException("class accuracy needs 32 px (or 28 px) Fashion-MNIST images, got "
                    + Torch.shapeString(images) + (bytes ? " (N, H, W, C)" : " (N, C, H, W)"));
        return x;                                                                                  // [B, 1, 32, 32]
    }

    private static Tensor grey(Tensor x) {
        long[] s = Torch.shape(x);
        if (s.length != 4 || (s[1] != 1 && s[1] != 3))
            throw new IllegalArgumentException("float images must be [N, 1 or 3, H, W] in [-1, 1], got "
                    + Arrays.toString(s));
        return s[1] == 1 ? x : FeatureExtractor.luma(x);                                            // [B, 1, H, W]
    }
}
