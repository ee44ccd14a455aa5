// Spec §3 "mixed precision", "auto": bf16 where this device runs it faster than fp32, else fp32.
package epg.tensor;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Properties;
import java.util.function.Supplier;

/**
 * What {@code --precision auto} means: bf16 on CUDA; on the CPU, fp32 when bf16 would take libtorch's slow fallback
 * (no AVX512-BF16/AMX, no oneDNN path: {@link PrecisionSupport.Level#FALLBACK}), else the {@link Probe}'s verdict: a
 * 512×512 matmul in bf16 against fp32, timed once per CPU model, flags and libtorch version and cached in
 * $XDG_CACHE_HOME/epg/precision-probe.properties (else ~/.cache/epg/). EPG_PRECISION_PROBE=0 skips the probe: the
 * flags alone decide (native: bf16, else fp32).
 */
public final class AutoPrecision {
    /** bf16 is chosen when its probe matmul is at least this many times faster than fp32's. */
    public static final double SPEEDUP_NEEDED = 1.5;

    private static volatile Decision cpuDecision;

    private AutoPrecision() {}

    /** The probe's result: best-of-5 milliseconds of one 512×512 matmul in each dtype. */
    public record Probe(double fp32Ms, double bf16Ms) {
        public Probe {
            if (!(fp32Ms > 0) || !(bf16Ms > 0))
                throw new IllegalArgumentException("probe times must be > 0 ms, got " + fp32Ms + ", " + bf16Ms);
        }

        /** fp32 time / bf16 time (> 1: bf16 faster). */
        public double speedup() { return fp32Ms / bf16Ms; }
    }

    /**
     * @param precision what auto means here
     * @param reason    why, in words, for the one line the commands print
     */
    public record Decision(Precision precision, String reason) {}

    /** The decision for {@code device} on this machine (cached for the process: the probe runs once at most). */
    public static Decision decide(String device) {
        if (Devices.isCuda(device)) return new Decision(Precision.BF16, "CUDA");
        Decision d = cpuDecision;
        if (d == null) {
            boolean probe = !"0".equals(System.getenv("EPG_PRECISION_PROBE"));
            cpuDecision = d = decide(CpuFeatures.current(), probe ? AutoPrecision::cachedProbe : null);
        }
        return d;
    }

    /**
     * The CPU decision from the flags and, unless the flags already settle it, the probe ({@code probe} null: none;
     * the flags decide).
     */
    public static Decision decide(CpuFeatures cpu, Supplier<Probe> probe) {
        PrecisionSupport bf16 = PrecisionSupport.of(Precision.BF16, cpu);
        if (bf16.level() == PrecisionSupport.Level.FALLBACK)
            return new Decision(Precision.FP32, "no " + String.join("/", bf16.missing())
                    + " on this CPU: bf16 would be about 10x slower than fp32");
        String flags = bf16.isNative() ? "this CPU has " + String.join("/", cpu.relevantFlags().stream()
                .filter(PrecisionSupport.BF16_FLAGS::contains).toList()) : "bf16 only converted to fp32 by oneDNN";
        if (probe == null)
            return new Decision(bf16.isNative() ? Precision.BF16 : Precision.FP32, flags + ", no probe");
        Probe p = probe.get();
        boolean faster = p.speedup() >= SPEEDUP_NEEDED;
        return new Decision(faster ? Precision.BF16 : Precision.FP32, String.format(Locale.ROOT,
                "%s; probe: bf16 matmul %.2fx the speed of fp32 (%s needed)", flags, p.speedup(),
                SPEEDUP_NEEDED));
    }

    /** The probe of this CPU from the cache, or measured now and cached. */
    static Probe cachedProbe() {
        Path file = cacheFile();
        String key = cacheKey(CpuFeatures.current(), libtorchVersion(), kernels());
        Probe cached = read(file, key);
        if (cached != null) return cached;
        Probe p = measure();
        write(file, key, p);
        return p;
    }

    /**
     * The cache key: model, the relevant flags, the libtorch version and the kernel levels in force
     * (ATEN_CPU_CAPABILITY and ONEDNN_MAX_CPU_ISA lower them without changing the flags: an emulated run must not
     * answer for the real one).
     */
    public static String cacheKey(CpuFeatures cpu, String libtorch, String kernels) {
        return cpu.model() + " | " + cpu.relevantText() + " | libtorch " + libtorch + " | " + kernels;
    }

    /** "ATen AVX512", plus "oneDNN AVX2" when ONEDNN_MAX_CPU_ISA caps oneDNN. */
    static String kernels() {
        Torch.init();
        String onednn = System.getenv("ONEDNN_MAX_CPU_ISA");
        return "ATen " + torch.get_cpu_capability().getString() + (onednn == null ? "" : " oneDNN " + onednn);
    }

    /** The probe stored under {@code key} in {@code file}; null when absent or unreadable. */
    public static Probe read(Path file, String key) {
        try {
            String v = load(file).getProperty(key);
            if (v == null) return null;
            String[] ms = v.split(",");
            return new Probe(Double.parseDouble(ms[0]), Double.parseDouble(ms[1]));
        } catch (RuntimeException e) {
            return null; // a damaged line is measured again
        }
    }

    /** Stores {@code p} under {@code key} in {@code file}, keeping the other keys; a failure only loses the cache. */
    public static void write(Path file, String key, Probe p) {
        Properties all = load(file);
        all.setProperty(key, p.fp32Ms() + "," + p.bf16Ms());
        try {
            Files.createDirectories(file.getParent());
            StringWriter w = new StringWriter();
            all.store(w, "epg --precision auto: ms of a 512x512 matmul, fp32,bf16 (delete to probe again)");
            AtomicFile.writeString(file, w.toString());
        } catch (IOException | UncheckedIOException e) {
            System.getLogger("epg").log(System.Logger.Level.WARNING, "epg: cannot cache the precision probe in "
                    + file + " (" + e.getMessage() + "); it runs again next time");
        }
    }

    private static Properties load(Path file) {
        Properties p = new Properties();
        try {
            if (Files.isRegularFile(file)) p.load(new StringReader(Files.readString(file)));
        } catch (IOException | IllegalArgumentException e) {
            // an unreadable cache is an empty one
        }
        return p;
    }

    /** $XDG_CACHE_HOME/epg/precision-probe.properties, else ~/.cache/epg/precision-probe.properties. */
    public static Path cacheFile() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("epg").resolve("precision-probe.properties");
    }

    /** The JavaCPP presets' version of libtorch ("2.10.0-1.5.13"), "unknown" outside a jar. */
    public static String libtorchVersion() {
        String v = torch.class.getPackage().getImplementationVersion();
        return v == null ? "unknown" : v;
    }

    /** Best of 5 (after 2 warm-ups) 512×512 matmuls in fp32, then in bf16, on libtorch's current threads. */
    static Probe measure() {
        return new Probe(bestMs(ScalarType.Float), bestMs(ScalarType.BFloat16));
    }

    private static double bestMs(ScalarType dtype) {
        Torch.init();
        try (Scope s = Scope.open()) {
            Tensor a = torch.randn(512, 512).to(dtype), b = torch.randn(512, 512).to(dtype); // [512, 512]
            double best = Double.POSITIVE_INFINITY;
            for (int i = 0; i < 7; i++) {
                try (Scope inner = Scope.open()) {
                    long t0 = System.nanoTime();
                    a.matmul(b).sum().item_double();
                    if (i >= 2) best = Math.min(best, (System.nanoTime() - t0) / 1e6);
                }
            }
            return best;
        }
    }
}
