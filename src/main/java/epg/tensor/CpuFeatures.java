// docs/benchmarks.md "CPU kinds": the CPU's model and instruction-set flags, which decide what bf16/fp16 cost here.
package epg.tensor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * The model name and flags of the CPU, as Linux's /proc/cpuinfo spells them ("avx2", "avx512_bf16", "amx_bf16").
 * The flags can be replaced for a test or an emulated run: environment variable {@value #ENV} or system property
 * {@value #PROPERTY} holds the flags text (space- or comma-separated), e.g. "avx2 fma" to describe an AVX2-only CPU
 * (libtorch's own kernels follow ATEN_CPU_CAPABILITY=avx2 and ONEDNN_MAX_CPU_ISA=AVX2, not this).
 *
 * @param model the "model name" line (else os.arch)
 * @param flags the flags, lower case
 */
public record CpuFeatures(String model, Set<String> flags) {
    /** Environment variable that replaces the flags of /proc/cpuinfo. */
    public static final String ENV = "EPG_CPU_FLAGS";
    /** System property that replaces the flags of /proc/cpuinfo (wins over {@value #ENV}). */
    public static final String PROPERTY = "epg.cpuFlags";
    /** The flags that matter for libtorch's CPU kernels, in the order records list them. */
    public static final List<String> RELEVANT = List.of("avx2", "fma", "avx512f", "avx512bw", "avx512vl", "avx512dq",
            "avx512_vnni", "avx512_bf16", "avx512_fp16", "avx_ne_convert", "amx_tile", "amx_bf16", "amx_fp16",
            "amx_int8");

    public CpuFeatures {
        if (model == null || model.isBlank()) throw new IllegalArgumentException("CPU model name must not be empty");
        flags = Collections.unmodifiableSet(new TreeSet<>(flags));
    }

    /** A CPU with these flags (space- or comma-separated) and model name. */
    public static CpuFeatures of(String model, String flagsText) {
        return new CpuFeatures(model, parseFlags(flagsText));
    }

    /** The model name and flags of the first processor of a /proc/cpuinfo text. */
    public static CpuFeatures parse(String cpuinfo) {
        String model = null, flags = null;
        for (String line : cpuinfo.split("\n")) {
            int colon = line.indexOf(':');
            if (colon < 0) continue;
            String key = line.substring(0, colon).trim(), value = line.substring(colon + 1).trim();
            if (model == null && key.equals("model name")) model = value;
            if (flags == null && key.equals("flags")) flags = value;
        }
        return of(model == null ? System.getProperty("os.arch") : model, flags == null ? "" : flags);
    }

    private static volatile CpuFeatures current;

    /** This machine's CPU, the flags replaced by {@value #PROPERTY} or {@value #ENV} when set; read once. */
    public static CpuFeatures current() {
        CpuFeatures c = current;
        if (c == null) current = c = read(System.getProperty(PROPERTY), System.getenv(ENV));
        return c;
    }

    /** Forgets the CPU read by {@link #current()} (tests that change {@value #PROPERTY}). */
    public static void reset() { current = null; }

    static CpuFeatures read(String property, String env) {
        Path info = Path.of("/proc/cpuinfo");
        CpuFeatures proc;
        try {
            proc = Files.isReadable(info) ? parse(Files.readString(info)) : parse("");
        } catch (IOException e) {
            proc = parse("");
        }
        String override = property != null ? property : env;
        return override == null ? proc : new CpuFeatures(proc.model(), parseFlags(override));
    }

    private static Set<String> parseFlags(String text) {
        Set<String> s = new LinkedHashSet<>();
        for (String f : text.toLowerCase(Locale.ROOT).split("[\\s,]+")) if (!f.isEmpty()) s.add(f);
        return s;
    }

    public boolean has(String flag) { return flags.contains(flag); }

    /** Whether any of {@code names} is a flag of this CPU. */
    public boolean hasAny(String... names) { return Arrays.stream(names).anyMatch(this::has); }

    /** The {@link #RELEVANT} flags this CPU has, in that order. */
    public List<String> relevantFlags() { return RELEVANT.stream().filter(this::has).toList(); }

    /** "avx2 fma avx512f ..." (the relevant flags), or "none" (for headers and run records). */
    public String relevantText() {
        List<String> r = relevantFlags();
        return r.isEmpty() ? "none" : String.join(" ", r);
    }
}
