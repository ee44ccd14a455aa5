// A network that maps images to the feature spaces of spec §7 (the FID Inception, or an RCM encoder offline).
package epg.metrics;

import epg.nn.Module;
import epg.tensor.Precision;
import epg.tensor.Torch;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

import java.nio.file.Path;

/** Images to features; {@link #on} runs it on another device or precision. */
public interface FeatureExtractor {
    /** Names the feature space in every result: "inception-v3-fid" or "rcm:&lt;file&gt;". */
    String id();

    /** Features of uint8 images [B, H, W, C] (C = 1 or 3); tensors owned by the caller's scope. */
    Features extract(Tensor images);

    /** The network whose features these are (moved to a device by {@link DeviceExtractor}). */
    Module network();

    /** The weights file the extractor was loaded from; null when built in memory. */
    default Path file() { return null; }

    /** This extractor on {@code device} in {@code precision} (fp32: as on the CPU); itself on the CPU in fp32. */
    default FeatureExtractor on(String device, Precision precision) {
        return device.equals("cpu") && precision == Precision.FP32 ? this
                : new DeviceExtractor(this, device, precision);
    }

    /**
     * uint8 [B, H, W, C] → float [B, channels, H, W] in [0, 1]; grey is repeated to RGB, RGB becomes grey with PIL's
     * luma weights (0.299, 0.587, 0.114), unrounded.
     */
    static Tensor unitNchw(Tensor images, int channels) {
        long[] s = Torch.shape(images);
        if (s.length != 4 || (s[3] != 1 && s[3] != 3))
            throw new IllegalArgumentException("images must be [B, H, W, 1 or 3], got " + Torch.shapeString(images));
        Tensor x = images.to(ScalarType.Float).permute(0, 3, 1, 2).div(new Scalar(255.0)); // [B, C, H, W]
        if (s[3] != channels) x = channels == 3 ? x.repeat(1, 3, 1, 1) : luma(x);
        return x.contiguous(); // NCHW strides: see BasicConv2d on channels-last convolutions
    }

    /** [B, 3, H, W] RGB → [B, 1, H, W] grey with PIL's luma weights (0.299, 0.587, 0.114), unrounded. */
    static Tensor luma(Tensor rgb) {
        Tensor w = Torch.fromFloats(new float[]{0.299f, 0.587f, 0.114f}, 1, 3, 1, 1).to(rgb);
        return rgb.mul(w).sum(new long[]{1}, true, new ScalarTypeOptional());
    }
}
