// docs/benchmarks.md: the non-timing parts of `epg bench suite`: call counts, extrapolation, clipping, memory, cases.
package epg.bench;

import epg.train.Gradients;
import epg.config.Presets;
import com.google.gson.JsonObject;
import epg.tensor.Blas;
import epg.tensor.CpuFeatures;
import epg.tensor.Scope;
import epg.tensor.Torch;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BenchSuiteTest {
    @Test
    void heun32WithTheReleasedIntervalCosts62CallsOf74EvaluationsAt256Px() {
        // Spec §6: 62 + 12 = 74 at 256 px (6 grid points inside (0.19·4, 1.61·4], each reached twice, each guided call
        // doubled).
        assertArrayEquals(new int[]{62, 12}, SamplingRun.calls(Presets.get("EPG-B/16")));
    }

    @Test
    void samplingTimeIsExtrapolatedFromSingleAndDoubledCalls() {
        SuiteCase c = new SuiteCase(CaseKind.SAMPLE_CALLS, Presets.get("EPG-B/16"), 8, false, 0, 1);
        assertEquals(50 * 10.0 + 12 * 30.0, CaseKind.extrapolate(c, 10, 30), 1e-9);
    }

    @Test
    void clippingScalesGradientsToTheLimitAndReportsTheNormBefore() {
        try (Scope s = Scope.open()) {
            Tensor p = Torch.fromDoubles(new double[]{1, 1}, 2).requires_grad_(true);
            Tensor q = Torch.fromDoubles(new double[]{0}, 1);
            Tensor loss = Torch.fromDoubles(new double[]{3, 4}, 2).mul(p).sum();
            // grad (3, 4), norm 5
            loss.backward();
            // q has no gradient
            Gradients both = new Gradients(Map.of("p", p, "q", q), List.of());   // per tensor: no flat layout
            assertEquals(5, both.clip(both.norm(), 1), 1e-12);
            double[] g = Torch.toDoubles(p.grad());
            assertEquals(3 / (5 + 1e-6), g[0], 1e-12);
            assertEquals(4 / (5 + 1e-6), g[1], 1e-12);
            Gradients onlyP = new Gradients(Map.of("p", p), List.of());
            assertEquals(1, onlyP.norm(), 1e-6);
            // below the limit: unchanged
            assertEquals(1, onlyP.clip(onlyP.norm(), 2), 1e-6);
            assertEquals(3 / (5 + 1e-6), Torch.toDoubles(p.grad())[0], 1e-12);
        }
    }

    @Test
    void peakMemoryRisesWithATouchedAllocationAndFallsBackOnReset() {
        try (Scope s = Scope.open()) {
            // 200 MB written, then freed
            Torch.ones(50_000_000).sum().item_double();
        }
        double high = PeakMemory.mib();
        assertTrue(high > 200, "VmHWM after touching 200 MB: " + high);
        // kernels without clear_refs 5
        if (!PeakMemory.reset()) return;
        double after = PeakMemory.mib();
        assertTrue(after < high - 100, "VmHWM after reset " + after + " vs " + high);
    }

    @Test
    void quickSuiteHasTheSmallCasesOnlyAndTheFullOneAddsB16() {
        List<SuiteCase> quick = BenchSuite.cases(true), full = BenchSuite.cases(false);
        assertTrue(quick.stream().allMatch(c -> c.model() == null || c.model().imageSize() == 32));
        assertEquals(10, quick.size());
        assertTrue(full.stream().anyMatch(c -> c.subject().equals("EPG-B/16") && c.batch() == 8
                && c.name().equals("diffusion-step")));
        assertTrue(full.stream().anyMatch(c -> c.subject().equals("RCM-B/16") && c.batch() == 8
                && c.name().equals("pretrain-step")));
        // 2 flops per multiply-accumulate, 3 forwards per trained image: EPG-T's count ×6×32 for a diffusion step.
        SuiteCase d = quick.get(1);
        assertEquals(6 * 32 * epg.config.ModelSize.gflops(Presets.get("EPG-T")), d.gflop(), 1e-9);
    }

    @Test
    void consistencyCasesAreTheTinyOnesInBothDtypesAndB16Fp32InTheFullSuite() {
        List<SuiteCase> quick = BenchSuite.cases(true), full = BenchSuite.cases(false);
        List<SuiteCase> q = quick.stream().filter(c -> c.name().equals("consistency-step")).toList();
        assertEquals(List.of("fp32", "bf16"), q.stream().map(SuiteCase::dtype).toList());
        assertTrue(q.stream().allMatch(c -> c.subject().equals("EPG-T") && c.batch() == 32
                && c.kind().torchName().equals("consistency")));
        List<SuiteCase> b = full.stream().filter(c -> c.name().equals("consistency-step")
                && c.subject().equals("EPG-B/16")).toList();
        assertEquals(1, b.size());
        SuiteCase b16 = b.get(0);
        assertEquals(List.of(8, 1, 2, false), List.of(b16.batch(), b16.warmup(), b16.steps(), b16.bf16()));
        assertEquals("RCM-B/16", ConsistencyStep.frozenConfig(b16.model()).name());
        // EPG-T per image (MACs): patch 64·48·128 + 4 blocks × 66 tokens × (4·128² + 2·128·512) = 52 297 728; decoder
        // 4 × (66 × (196 608 + 256·128) + 128·6·128) = 60 948 480; head 64·128·48 = 393 216 → 113 639 424.
        // RCM-T: 52 297 728 + projector 128·512 + 512·512 + 512·128 = 52 690 944.
        // Step: 2 flops × 32 images × (4 EPG + 3 RCM forwards) = 64 × (0.454557696 + 0.158072832) = 39.208353792 GFLOP.
        assertEquals(39.208353792, q.get(0).gflop(), 1e-9);
    }

    @Test
    void aConsistencyStepRunsAtTinySize() {
        try (Scope s = Scope.open()) {
            ConsistencyStep step = new ConsistencyStep(Presets.get("EPG-T"), 2, false, 0);
            // throws on a non-finite loss or norm
            step.run();
            step.run();
        }
    }

    @Test
    void oneAndTwoStepConsistencySamplingCountOneAndTwoForwardsPerImage() {
        List<SuiteCase> few = BenchSuite.select(BenchSuite.cases(true), "sampling-");
        assertEquals(List.of("sampling-1-step", "sampling-2-step"),
                few.stream().map(SuiteCase::name).filter(n -> n.contains("-step")).toList());
        SuiteCase one = few.stream().filter(c -> c.kind() == CaseKind.ONE_STEP).findFirst().orElseThrow();
        SuiteCase two = few.stream().filter(c -> c.kind() == CaseKind.TWO_STEP).findFirst().orElseThrow();
        // EPG-T: 113 639 424 MACs per image and forward (see above); 2 flops each, batch 64
        assertEquals(2 * 64 * 0.113639424, one.gflop(), 1e-9);
        assertEquals(2 * one.gflop(), two.gflop(), 1e-9);
        assertEquals(List.of("sample-onestep", "sample-twostep"), List.of(one.kind().torchName(),
                two.kind().torchName()));
        try (Scope s = Scope.open()) {
            new FewStepRun(Presets.get("EPG-T"), 2, false, 0, 2).sampleAll();
            new FewStepRun(Presets.get("EPG-T"), 2, false, 0, 1).sampleAll();
        }
    }

    @Test
    void aPeakIsProbedOnlyForTheDtypesOfSelectedCasesThatCountFlops() {
        List<SuiteCase> all = BenchSuite.cases(true);
        List<SuiteCase> fp32 = BenchSuite.select(all, "diffusion-step EPG-T fp32");
        assertEquals(1, fp32.size());
        assertTrue(BenchSuite.probes(fp32, false));
        assertFalse(BenchSuite.probes(fp32, true), "no bf16 case selected: no bf16 probe");
        List<SuiteCase> bf16 = BenchSuite.select(all, "bf16");
        assertTrue(BenchSuite.probes(bf16, true));
        assertFalse(BenchSuite.probes(bf16, false));
        List<SuiteCase> loader = BenchSuite.select(all, "loader");
        assertFalse(BenchSuite.probes(loader, false) || BenchSuite.probes(loader, true), "the loader counts no flops");
    }

    @Test
    void theHeaderNamesEveryPoolTheCpuAndTheLevers() {
        RunContext r = new RunContext(CpuFeatures.of("AMD EPYC 7B12", "fma avx2 sse2"), 2, 1, Blas.OPENBLAS, null, false,
                2, "AVX2", Map.of("OPENBLAS_THREAD_TIMEOUT", "4", "ATEN_CPU_CAPABILITY", "avx2"));
        assertEquals("epg bench suite: OpenMP 2 threads (inter-op 1), OpenBLAS 2; AMD EPYC 7B12 [avx2 fma], ATen CPU "
                + "capability AVX2; {ATEN_CPU_CAPABILITY=avx2, OPENBLAS_THREAD_TIMEOUT=4}; load average 0.50, quick",
                BenchSuite.header(r, 0.5, true));
        JsonObject o = new JsonObject();
        r.addTo(o);
        assertEquals("avx2 fma", o.get("cpuFlags").getAsString());
        assertEquals("4", o.getAsJsonObject("environment").get("OPENBLAS_THREAD_TIMEOUT").getAsString());
        assertEquals("OpenBLAS", o.get("blas").getAsString());
        assertFalse(o.has("blasLibrary"), "only the machine's own OpenBLAS has a file to name");
        assertFalse(o.get("blasOnOpenMp").getAsBoolean());
        assertEquals("MKL on the OpenMP threads", BenchSuite.blasText(Blas.MKL, null, true, 2));
        String omp = "/usr/lib/x86_64-linux-gnu/openblas-openmp/libopenblas.so.0";
        assertEquals("system OpenBLAS on the OpenMP threads (" + omp + ")",
                BenchSuite.blasText(Blas.SYSTEM, omp, true, 2));
        String pthreads = "/usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblas.so.0";
        assertEquals("system OpenBLAS 2 (" + pthreads + ")", BenchSuite.blasText(Blas.SYSTEM, pthreads, false, 2));
        JsonObject s = new JsonObject();
        new RunContext(r.cpu(), 2, 1, Blas.SYSTEM, omp, true, 2, "AVX2", Map.of()).addTo(s);
        assertEquals(omp, s.get("blasLibrary").getAsString());
        assertTrue(s.get("blasOnOpenMp").getAsBoolean());
    }

    @Test
    void everyRecordedLineCarriesTheCpuAndTheStartLoadInCamelCaseKeys() {
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        BenchSuite suite = new BenchSuite(new BenchSuite.Options(true, null, true, "/usr/bin/python3", null, "test",
                false, 1), quiet);
        SuiteCase one = BenchSuite.select(BenchSuite.cases(true), "sampling-1-step").get(0);
        JsonObject o = suite.json(new BenchSuite.Row(one, 40, 50, 900, 400, 150, ""));
        for (String key : o.keySet()) assertTrue(key.matches("[a-z][A-Za-z0-9]*"), "not camelCase: " + key);
        assertEquals(CpuFeatures.current().model(), o.get("cpuModel").getAsString());
        assertEquals(CpuFeatures.current().relevantText(), o.get("cpuFlags").getAsString());
        assertTrue(o.has("loadAverageAtStart") && o.has("loadAverage1Min") && o.has("ompThreads")
                && o.has("atenCpuCapability") && o.has("environment"), o.toString());
        assertEquals("sampling-1-step", o.get("case").getAsString());
        assertEquals(0.8, o.get("ratio").getAsDouble(), 1e-12);
        // 64 images per 40 ms
        assertEquals(1600, o.get("javaImagesPerS").getAsDouble(), 1e-9);
        assertEquals(2 * 64 * 0.113639424, o.get("gflopPerUnit").getAsDouble(), 1e-9);
    }
}
