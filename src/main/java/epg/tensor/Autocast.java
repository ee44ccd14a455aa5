// Mixed precision (DEVELOPERS.md "mixed precision"): a scope in which libtorch's autocast runs eligible CPU ops in bf16.
package epg.tensor;

import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.DeviceType;
import org.bytedeco.pytorch.global.torch.ScalarType;

/** Enables CPU autocast (bf16) while open; closing restores the previous state. Closing twice is harmless. */
public final class Autocast implements AutoCloseable {
    private final boolean enabled, previous;
    private final ScalarType previousType;
    private boolean closed;

    private Autocast(boolean enabled) {
        Torch.init();
        this.enabled = enabled;
        this.previous = torch.is_autocast_enabled(DeviceType.CPU);
        this.previousType = torch.get_autocast_dtype(DeviceType.CPU);
        if (enabled) {
            torch.set_autocast_cache_enabled(false); // a cached bf16 weight would go stale after the optimiser step
            torch.set_autocast_dtype(DeviceType.CPU, ScalarType.BFloat16);
            torch.set_autocast_enabled(DeviceType.CPU, true);
        }
    }

    public static Autocast cpu(boolean bf16) { return new Autocast(bf16); }

    /** Whether CPU autocast is on in this thread now. */
    public static boolean active() { return torch.is_autocast_enabled(DeviceType.CPU); }

    @Override
    public void close() {
        if (closed || !enabled) { closed = true; return; }
        closed = true;
        torch.set_autocast_enabled(DeviceType.CPU, previous);
        torch.set_autocast_dtype(DeviceType.CPU, previousType);
    }
}
