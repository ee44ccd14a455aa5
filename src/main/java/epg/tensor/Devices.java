// docs/distributed.md (the CUDA paths): naming, checking and describing the device a command computes on.
package epg.tensor;

import org.bytedeco.pytorch.global.torch;

import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/** Device names as libtorch spells them, checked before any tensor is moved; what the hardware is, for run records. */
public final class Devices {
    private Devices() {}

    /** Whether {@code device} names a CUDA device ("cuda", "cuda:1"). */
    public static boolean isCuda(String device) { return device.trim().toLowerCase(Locale.ROOT).startsWith("cuda"); }

    /**
     * Refuses a malformed name, and a CUDA device that libtorch cannot see (CPU-only natives or machine), with what to
     * do. The CUDA paths are written but have not run on a GPU here.
     */
    public static void check(String device) {
        if (device == null || !(device.equals("cpu") || device.matches("cuda(:\\d+)?")))
            throw new IllegalArgumentException("--device must be cpu, cuda or cuda:N, got '" + device + "'");
        if (!isCuda(device)) return;
        Torch.init();
        if (!torch.cuda_is_available())
            throw new IllegalArgumentException("--device " + device + ": no CUDA device is visible to libtorch (a "
                    + "CPU-only machine, or the CPU natives: build with mvn -Pgpu, see docs/distributed.md)");
        int index = device.contains(":") ? Integer.parseInt(device.substring(5)) : 0;
        long count = torch.cuda_device_count();
        if (index >= count)
            throw new IllegalArgumentException("--device " + device + ": only " + count + " CUDA device(s) visible");
    }

    /** The hardware behind {@code device}: the CPU's model name and core count, or the GPU's name when known. */
    public static String describe(String device) {
        if (!isCuda(device))
            return cpuModel() + " (" + Runtime.getRuntime().availableProcessors() + " cores)";
        String index = device.contains(":") ? device.substring(5) : "0";
        return device + ": " + gpuName(index);
    }

    /** The "model name" of /proc/cpuinfo (Linux), else os.arch. */
    public static String cpuModel() { return CpuFeatures.current().model(); }

    /** Whether the CPU runs bf16 matrix products natively (AVX512-BF16 or AMX; {@link PrecisionSupport}). */
    public static boolean cpuHasBf16() {
        return PrecisionSupport.of(Precision.BF16, CpuFeatures.current()).isNative();
    }

    /** nvidia-smi's name of GPU {@code index}; "unknown GPU" when it cannot say. Untested on a GPU. */
    private static String gpuName(String index) {
        try {
            Process p = new ProcessBuilder(List.of("nvidia-smi", "--query-gpu=name", "--format=csv,noheader", "-i",
                    index)).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).trim();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0 && !out.isEmpty() ? out : "unknown GPU";
        } catch (IOException e) {
            return "unknown GPU";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown GPU";
        }
    }
}
