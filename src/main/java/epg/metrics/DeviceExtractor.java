// Spec §7 on an accelerator: a feature extractor's network on a device, its features back on the CPU in float32.
package epg.metrics;

import epg.nn.Module;
import epg.tensor.Autocast;
import epg.tensor.Devices;
import epg.tensor.Precision;
import epg.tensor.Torch;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

import java.nio.file.Path;

/**
 * Moves the extractor's network to {@code device} (in place), each batch of images there, runs it under autocast of
 * {@code precision}, and returns the features as float32 CPU tensors, where the statistics are computed. bf16 features
 * shift FID slightly: compare numbers only within one precision. The CUDA path is written but untested on a GPU.
 */
public final class DeviceExtractor implements FeatureExtractor {
    private final FeatureExtractor inner;
    private final String device;
    private final Device where;
    private final Precision precision;

    DeviceExtractor(FeatureExtractor inner, String device, Precision precision) {
        Devices.check(device);
        this.inner = inner;
        this.device = device;
        this.where = Torch.device(device);
        this.precision = precision;
        inner.network().to(where);
    }

    @Override
    public String id() { return inner.id(); }

    @Override
    public Module network() { return inner.network(); }

    @Override
    public Path file() { return inner.file(); }

    @Override
    public Features extract(Tensor images) {
        try (Autocast a = Autocast.of(device, precision)) {
            Features f = inner.extract(images.to(where, images.scalar_type()));
            return new Features(host(f.pool()), host(f.spatial()), host(f.logits()));
        }
    }

    private static Tensor host(Tensor t) { return t == null ? null : t.to(ScalarType.Float).cpu(); }
}
