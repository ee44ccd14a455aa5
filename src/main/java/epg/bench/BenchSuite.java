// docs/benchmarks.md: `epg bench suite`, every case timed in Java, then in PyTorch in the same run; ratios.
package epg.bench;

import com.google.gson.JsonObject;
import epg.config.Json;
import epg.config.ModelConfig;
import epg.config.Presets;
import epg.tensor.Blas;
import epg.tensor.CpuFeatures;
import epg.tensor.Precision;
import epg.tensor.PrecisionSupport;
import epg.tensor.Torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Training steps of stage 1 (RCM), stage 2a (diffusion) and stage 2b (consistency) at 32 px (tiny presets, batch 32)
 * and 256 px (B/16, batch 8) in fp32 and bf16, the released sampler (Heun 32, CFG 2.5), peak resident memory and
 * achieved GFLOP/s against the measured matmul peak. Each Java case is followed by its PyTorch twin
 * (scripts/bench/torch_suite.py, same thread count); ratio = Java time / PyTorch time (≤ 1 means Java is at least as
 * fast). What each kind of case runs on either side is its {@link CaseKind}.
 */
public final class BenchSuite {
    /**
     * @param quick         only the 32 px cases, fewer steps
     * @param only          keep the cases whose "name preset dtype" contains this text (null: all)
     * @param torch         also run each case's PyTorch twin
     * @param python        the Python with torch that runs the twins
     * @param out           the file each row is appended to as a JSON line (null: none)
     * @param command       the command line recorded with each row
     * @param mathAttention the Java side without the fused kernel
     * @param rounds        Java and PyTorch alternate this many times per case; each side keeps its best median
     */
    public record Options(boolean quick, String only, boolean torch, String python, Path out, String command,
                          boolean mathAttention, int rounds) {
        public Options {
            if (rounds < 1) throw new IllegalArgumentException("--rounds must be at least 1, got " + rounds);
        }
    }

    /** One measured row; torch fields are NaN when the PyTorch side was skipped. */
    public record Row(SuiteCase c, double javaMs, double torchMs, double javaRssMib, double torchRssMib,
                      double peakGflops, String note) {
        double ratio() { return javaMs / torchMs; }

        double imagesPerSecond(double ms) { return c.batch() * 1e3 / ms; }

        double gflops() { return c.gflop() / javaMs * 1e3; }
    }

    private final Options options;
    private final int threads;
    private final PrintStream log;
    private double peakFp32 = Double.NaN, peakBf16 = Double.NaN, loadAtStart = Double.NaN;
    private String torchVersion = "-";

    public BenchSuite(Options options, PrintStream log) {
        Torch.init();
        this.options = options;
        this.threads = Torch.threads();
        this.log = log;
    }

    /** The cases in the order they run (small first). */
    public static List<SuiteCase> cases(boolean quick) {
        ModelConfig rcmT = Presets.get("RCM-T"), epgT = Presets.get("EPG-T");
        ModelConfig rcmB = Presets.get("RCM-B/16"), epgB = Presets.get("EPG-B/16");
        int w = quick ? 2 : 3, n = quick ? 5 : 10;
        List<SuiteCase> l = new ArrayList<>();
        for (boolean bf16 : new boolean[]{false, true}) {
            l.add(new SuiteCase(CaseKind.PRETRAIN, rcmT, 32, bf16, w, n));
            l.add(new SuiteCase(CaseKind.DIFFUSION, epgT, 32, bf16, w, n));
            l.add(new SuiteCase(CaseKind.CONSISTENCY, epgT, 32, bf16, w, n));
        }
        l.add(new SuiteCase(CaseKind.SAMPLE, epgT, 16, false, 1, quick ? 1 : 2));
        l.add(new SuiteCase(CaseKind.ONE_STEP, epgT, 64, false, w, n));
        l.add(new SuiteCase(CaseKind.TWO_STEP, epgT, 64, false, w, n));
        l.add(new SuiteCase(CaseKind.LOADER, null, 64, false, 2, quick ? 10 : 30));
        if (quick) return l;
        l.add(new SuiteCase(CaseKind.PRETRAIN, rcmB, 8, false, 1, 2));
        l.add(new SuiteCase(CaseKind.DIFFUSION, epgB, 8, false, 1, 2));
        l.add(new SuiteCase(CaseKind.DIFFUSION, epgB, 8, true, 1, 2));
        l.add(new SuiteCase(CaseKind.CONSISTENCY, epgB, 8, false, 1, 2));
        l.add(new SuiteCase(CaseKind.SAMPLE_CALLS, epgB, 8, false, 1, 3));
        return l;
    }

    /** Runs every case, prints the table, appends the rows to {@link Options#out()} (when set); returns the rows. */
    public List<Row> run() throws IOException, InterruptedException {
        loadAtStart = BenchRecord.loadAverage();
        log.println(header(RunContext.current(), loadAtStart, options.quick()));
        List<SuiteCase> selected = select(cases(options.quick()), options.only());
        // A peak is probed only for a dtype some selected case counts flops in: without AVX512-BF16/AMX the bf16
        // probe runs libtorch's single-threaded fallback for minutes.
        peakFp32 = probes(selected, false) ? MatmulPeak.gflops(2048, ScalarType.Float) : 0;
        peakBf16 = probes(selected, true) ? MatmulPeak.gflops(2048, ScalarType.BFloat16) : 0;
        PrecisionSupport bf16 = PrecisionSupport.of(Precision.BF16, CpuFeatures.current());
        if (!bf16.isNative() && selected.stream().anyMatch(SuiteCase::bf16))
            log.println("warning: this CPU has none of " + String.join(", ", bf16.missing()) + ": its bf16 cases "
                    + "will be slow (" + bf16.level() + "); --only fp32 skips them");
        log.printf(Locale.ROOT, "matmul peak (2048x2048): fp32 %.0f GFLOP/s, bf16 %.0f GFLOP/s (0: not probed)%n",
                peakFp32, peakBf16);
        List<Row> rows = new ArrayList<>();
        for (SuiteCase c : selected) {
            Row r = measure(c);
            rows.add(r);
            log.println(line(r));
            if (options.out() != null) BenchRecord.append(options.out(), json(r));
        }
        log.println();
        log.print(table(rows));
        return rows;
    }

    /** The cases whose "case preset dtype" contains {@code only} (null: all). */
    public static List<SuiteCase> select(List<SuiteCase> cases, String only) {
        return cases.stream().filter(c -> only == null || (c.name() + " " + c.subject() + " " + c.dtype())
                .contains(only)).toList();
    }

    /** Whether the matmul peak of bf16 ({@code bf16}) or fp32 is needed: some selected case counts flops in it. */
    public static boolean probes(List<SuiteCase> selected, boolean bf16) {
        return selected.stream().anyMatch(c -> c.bf16() == bf16 && c.gflop() > 0);
    }

    /**
     * The first line: the thread count of each pool (libtorch's OpenMP intra-op and inter-op pools, OpenBLAS's own, or
     * MKL on OpenMP's),
     * the CPU, libtorch's kernel level, the environment levers that are set, the load average.
     */
    static String header(RunContext r, double load, boolean quick) {
        return String.format(Locale.ROOT, "epg bench suite: OpenMP %d threads (inter-op %d), %s; %s [%s], "
                        + "ATen CPU capability %s; %s; load average %.2f%s", r.ompThreads(), r.interopThreads(),
                blasText(r.blas(), r.blasLibrary(), r.blasOnOpenMp(), r.blasThreads()), r.cpu().model(), r.cpu().relevantText(), r.atenCapability(),
                r.environment().isEmpty() ? "no thread/ISA environment set" : r.environment().toString(), load,
                quick ? ", quick" : "");
    }

    /** "OpenBLAS 2" (its own pool), "MKL on the OpenMP threads", "system OpenBLAS on the OpenMP threads (file)". */
    static String blasText(Blas blas, String library, boolean onOpenMp, int blasThreads) {
        return blas.label() + (onOpenMp ? " on the OpenMP threads" : " " + blasThreads)
                + (library == null ? "" : " (" + library + ")");
    }

    private Row measure(SuiteCase c) throws IOException, InterruptedException {
        log.printf(Locale.ROOT, "  %s %s batch %d %s ...%n", c.name(), c.subject(), c.batch(), c.dtype());
        System.gc();
        PeakMemory.reset();
        ModelConfig m = c.model() == null ? null : c.model().withFusedAttention(!options.mathAttention());
        // Rounds alternate the two sides, so that a slow spell of the machine (a busy SMT sibling on a shared host
        // took the matmul peak from 130 to 83 GFLOP/s within one process) meets both; each keeps its best median.
        double javaMs = Double.MAX_VALUE, javaRss = 0, torchMs = Double.MAX_VALUE, torchRss = Double.NaN;
        for (int round = 0; round < options.rounds(); round++) {
            javaMs = Math.min(javaMs, c.kind().javaMs(c, m, threads));
            javaRss = Math.max(javaRss, PeakMemory.mib());
            if (!options.torch()) continue;
            List<String> args = List.of(c.kind().torchName(), torchArgs(c));
            JsonObject t = TorchReference.run(options.python(), "scripts/bench/torch_suite.py", args, 7200);
            torchMs = Math.min(torchMs, c.kind().torchMs(c, t));
            torchRss = t.get("peak_rss_mib").getAsDouble();
            torchVersion = t.get("torch").getAsString();
            if (options.rounds() > 1)
                log.printf(Locale.ROOT, "    round %d: best so far Java %.1f ms, PyTorch %.1f ms%n", round + 1,
                        javaMs, torchMs);
        }
        if (!options.torch()) torchMs = Double.NaN;
        // the peak of this case's dtype again (a probe that ran at the start is taken again, never a new one)
        if (c.gflop() > 0 && c.bf16() && peakBf16 > 0)
            peakBf16 = Math.max(peakBf16, MatmulPeak.gflops(2048, ScalarType.BFloat16));
        if (c.gflop() > 0 && !c.bf16() && peakFp32 > 0)
            peakFp32 = Math.max(peakFp32, MatmulPeak.gflops(2048, ScalarType.Float));
        double peak = c.bf16() ? peakBf16 : peakFp32;
        return new Row(c, javaMs, torchMs, javaRss, torchRss, peak, c.kind().note(c, threads));
    }

    private String torchArgs(SuiteCase c) {
        JsonObject o = new JsonObject();
        if (c.model() != null)
            o.add("model", Json.parse(TorchReference.configJson(c.model()), JsonObject.class, "the model description"));
        c.kind().torchArgs(c, o);
        o.addProperty("batch", c.batch());
        o.addProperty("steps", c.steps());
        o.addProperty("warmup", c.warmup());
        o.addProperty("threads", threads);
        o.addProperty("dtype", c.dtype());
        return o.toString();
    }

    private String line(Row r) {
        return String.format(Locale.ROOT,
                "    Java %.1f ms, PyTorch %.1f ms, ratio %.2f, %.1f GFLOP/s, peak RSS %.0f / %.0f MiB",
                r.javaMs(), r.torchMs(), r.ratio(), r.gflops(), r.javaRssMib(), r.torchRssMib());
    }

    /** The summary table: one row per case. */
    public String table(List<Row> rows) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "%-22s %-9s %5s %-5s %10s %9s %10s %9s %6s %8s %6s %9s %9s%n",
                "case", "model", "batch", "dtype", "Java ms", "Java im/s", "Torch ms", "Torch im/s", "ratio", "GFLOP/s",
                "%peak", "RSS Java", "RSS Torch"));
        for (Row r : rows) {
            SuiteCase c = r.c();
            boolean counted = c.gflop() > 0;
            String gflops = counted ? String.format(Locale.ROOT, "%.1f", r.gflops()) : "-";
            // the highest peak the run measured (probed at the start and after every case; the row's is lower)
            double best = c.bf16() ? peakBf16 : peakFp32;
            String peak = counted ? String.format(Locale.ROOT, "%.0f%%", 100 * r.gflops() / best) : "-";
            b.append(String.format(Locale.ROOT,
                    "%-22s %-9s %5d %-5s %10.1f %9.2f %10.1f %9.2f %6.2f %8s %6s %8.0fM %8.0fM%n",
                    c.name(), c.subject(), c.batch(), c.dtype(), r.javaMs(), r.imagesPerSecond(r.javaMs()),
                    r.torchMs(), r.imagesPerSecond(r.torchMs()), r.ratio(), gflops, peak, r.javaRssMib(),
                    r.torchRssMib()));
        }
        b.append(String.format(Locale.ROOT, "%d threads (Java's %s), torch %s; ratio = Java ms / PyTorch ms "
                        + "(<= 1.00: Java at least as fast); matmul peak (best probe: at the start and after each "
                        + "case) fp32 %.0f, bf16 %.0f GFLOP/s; "
                        + "sampling = Heun 32 points, CFG 2.5 on (0.19, 1.61]%n",
                threads, blasText(Blas.active(), Blas.systemLibrary(), Blas.gemmOnOpenMpPool(), Torch.blasThreads()), torchVersion, peakFp32, peakBf16));
        for (Row r : rows)
            if (!r.note().isEmpty())
                b.append(r.c().name()).append(' ').append(r.c().subject()).append(": ").append(r.note()).append('\n');
        return b.toString();
    }

    /** The JSON line of one row. */
    JsonObject json(Row r) {
        JsonObject o = new JsonObject();
        o.addProperty("bench", "suite");
        o.addProperty("case", r.c().name());
        o.addProperty("preset", r.c().subject());
        o.addProperty("batch", r.c().batch());
        o.addProperty("dtype", r.c().dtype());
        o.addProperty("threads", threads);
        o.addProperty("blasThreads", Torch.blasThreads());
        o.addProperty("steps", r.c().steps());
        o.addProperty("javaMs", r.javaMs());
        o.addProperty("javaImagesPerS", r.imagesPerSecond(r.javaMs()));
        o.addProperty("javaPeakRssMib", r.javaRssMib());
        o.addProperty("gflopPerUnit", r.c().gflop());
        o.addProperty("javaGflops", r.gflops());
        o.addProperty("matmulPeakGflops", r.peakGflops());
        if (options.torch()) {
            o.addProperty("torchMs", r.torchMs());
            o.addProperty("torchImagesPerS", r.imagesPerSecond(r.torchMs()));
            o.addProperty("torchPeakRssMib", r.torchRssMib());
            o.addProperty("ratio", r.ratio());
            o.addProperty("torch", torchVersion);
        }
        if (!r.note().isEmpty()) o.addProperty("note", r.note());
        o.addProperty("quick", options.quick());
        RunContext.current().addTo(o);
        o.addProperty("loadAverageAtStart", loadAtStart);
        return BenchRecord.stamped(o, options.command());
    }
}
