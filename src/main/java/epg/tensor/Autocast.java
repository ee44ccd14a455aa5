// Spec §3 "mixed precision": a scope in which libtorch's autocast runs eligible ops in bf16 or fp16.
package epg.tensor;

import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.DeviceType;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * Enables autocast for one device type (CPU or CUDA) while open; closing restores the previous state. Closing twice is
 * harmless.
 */
public final class Autocast implements AutoCloseable {
    private final boolean enabled, previous;
    private final DeviceType device;
    private final ScalarType previousType;
    private boolean closed;

    private Autocast(DeviceType device, ScalarType type) {
        Torch.init();
        this.device = device;
        this.enabled = type != null;
        this.previous = torch.is_autocast_enabled(device);
        this.previousType = torch.get_autocast_dtype(device);
        if (enabled) {
            torch.set_autocast_cache_enabled(false); // a cached low-precision weight goes stale at the optimiser step
            torch.set_autocast_dtype(device, type);
            torch.set_autocast_enabled(device, true);
        }
    }

    public static Autocast cpu(boolean bf16) { return new Autocast(DeviceType.CPU, bf16 ? ScalarType.BFloat16 : null); }

    /** Autocast of {@code precision} on {@code device} ("cpu", "cuda", "cuda:1"); FP32 is a no-op scope. */
    public static Autocast of(String device, Precision precision) {
        boolean cuda = device.trim().toLowerCase().startsWith("cuda");
        if (precision == Precision.FP16 && !cuda)
            throw new IllegalArgumentException("fp16 autocast needs --device cuda; on the CPU use bf16");
        return new Autocast(cuda ? DeviceType.CUDA : DeviceType.CPU, precision.autocastType());
    }

    /** Whether CPU autocast is on in this thread now. */
    public static boolean active() { return torch.is_autocast_enabled(DeviceType.CPU); }

    @Override
    public void close() {
        if (closed || !enabled) { closed = true; return; }
        closed = true;
        torch.set_autocast_enabled(device, previous);
        torch.set_autocast_dtype(device, previousType);
    }
}
