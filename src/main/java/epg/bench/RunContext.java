// docs/benchmarks.md "CPU kinds": what a benchmark ran on: CPU, thread pools, kernel level, environment levers.
package epg.bench;

import com.google.gson.JsonObject;
import epg.tensor.Blas;
import epg.tensor.CpuFeatures;
import epg.tensor.Torch;
import org.bytedeco.pytorch.global.torch;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The conditions every benchmark line records, so rows of different CPU kinds and thread settings are never mixed up.
 *
 * @param cpu            model and flags (the relevant subset is recorded)
 * @param ompThreads     libtorch's intra-op (OpenMP) threads
 * @param interopThreads libtorch's inter-op pool
 * @param blas           the BLAS behind libtorch's CPU matmuls
 * @param blasLibrary    the file of {@link Blas#SYSTEM} (which build: OpenMP or pthreads), null for the other two
 * @param blasOnOpenMp   whether the BLAS runs its GEMMs on libtorch's OpenMP pool ({@link Blas#gemmOnOpenMpPool})
 * @param blasThreads    OpenBLAS's own pool, as {@link Torch#setThreads} set it (the presets bind no getter); MKL
 *                       runs on the OpenMP pool (the OpenMP count)
 * @param atenCapability the kernel level libtorch dispatches to ("AVX512", "AVX2"; ATEN_CPU_CAPABILITY lowers it)
 * @param environment    the {@link #LEVERS} that are set, with their values
 */
public record RunContext(CpuFeatures cpu, int ompThreads, int interopThreads, Blas blas, String blasLibrary,
                         boolean blasOnOpenMp, int blasThreads, String atenCapability, Map<String, String> environment) {
    /** Environment variables that change thread pools or instruction sets of the natives. */
    public static final List<String> LEVERS = List.of("EPG_THREADS", Blas.ENV, "EPG_BLAS_THREADS", "OMP_NUM_THREADS",
            "OMP_WAIT_POLICY", "GOMP_SPINCOUNT", "OPENBLAS_NUM_THREADS", "OPENBLAS_THREAD_TIMEOUT", "OPENBLAS_CORETYPE",
            "ATEN_CPU_CAPABILITY", "ONEDNN_MAX_CPU_ISA", CpuFeatures.ENV);

    public RunContext {
        environment = Collections.unmodifiableMap(new TreeMap<>(environment));
    }

    /** This process now. */
    public static RunContext current() {
        Torch.init();
        Map<String, String> env = new TreeMap<>();
        for (String k : LEVERS) if (System.getenv(k) != null) env.put(k, System.getenv(k));
        return new RunContext(CpuFeatures.current(), torch.get_num_threads(), (int) torch.get_num_interop_threads(),
                Blas.active(), Blas.systemLibrary(), Blas.gemmOnOpenMpPool(),
                Torch.blasThreads(), torch.get_cpu_capability().getString(), env);
    }

    /** Adds cpuModel, cpuFlags (the relevant ones), atenCpuCapability, the BLAS, the pool sizes and environment. */
    public void addTo(JsonObject o) {
        o.addProperty("cpuModel", cpu.model());
        o.addProperty("cpuFlags", cpu.relevantText());
        o.addProperty("atenCpuCapability", atenCapability);
        o.addProperty("ompThreads", ompThreads);
        o.addProperty("interopThreads", interopThreads);
        o.addProperty("blas", blas.label());
        if (blasLibrary != null) o.addProperty("blasLibrary", blasLibrary);
        o.addProperty("blasOnOpenMp", blasOnOpenMp);
        JsonObject e = new JsonObject();
        new TreeMap<>(environment).forEach(e::addProperty);
        o.add("environment", e);
    }
}
