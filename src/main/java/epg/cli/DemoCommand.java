// Spec §3–§7 end to end: `epg demo`, the paper's pipeline on Fashion-MNIST with tiny presets, in a time budget.
package epg.cli;

import epg.config.Json;
import epg.demo.DemoPipeline;
import epg.report.DemoLayout;
import epg.report.DemoReport;
import epg.report.DemoResult;
import epg.tensor.Torch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"The whole method on Fashion-MNIST at 32 px (RCM-T, EPG-T): RCM pre-training -> diffusion "
                + "fine-tuning (and the same diffusion training from scratch, for the paper's pre-training-vs-scratch "
                + "comparison) -> consistency fine-tuning -> sampling (Heun with interval guidance; one step) -> "
                + "evaluation (FD_RCM; FID with --inception).",
                "Writes OUT/config.json, one run directory per stage, samples/, demo.json and report.html (loss "
                        + "curves, metrics, sample grids, budget and wall time per stage). Before planning it times a "
                        + "few steps of every stage on this machine, then sizes the plan so "
                        + "that the whole run takes --budget minutes."})
public final class DemoCommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Option(names = "--out", defaultValue = "runs/demo", description = "Run directory (default ${DEFAULT-VALUE}).")
    Path out;
    @Bounds(above = 0)
    @Option(names = "--budget", defaultValue = "20", paramLabel = "MINUTES",
            description = "Wall-clock budget in minutes; steps and image counts are sized to it from costs measured "
                    + "first (default ${DEFAULT-VALUE}).") double budget;
    @Option(names = "--smoke", description = "A one-minute run of every stage with tiny counts (the test suite's).")
    boolean smoke;
    @Option(names = "--inception", paramLabel = "PATH", defaultValue = "${env:EPG_INCEPTION}",
            description = "pytorch-fid's Inception weights, to report FID as well (default: "
                    + "$EPG_INCEPTION; nothing is downloaded).") Path inception;
    @Option(names = "--precision", defaultValue = "auto", description = "Training precision: bf16 (autocast), fp32, or "
            + "auto = bf16 when the CPU has AVX512-BF16/AMX (default ${DEFAULT-VALUE}).") String precision;
    @Bounds
    @Option(names = "--seed", defaultValue = "0", description = "Seed of every stage (default ${DEFAULT-VALUE}).")
    long seed;
    @Bounds(min = 0, max = 4096)
    @Option(names = "--threads", defaultValue = "0",
            description = "libtorch threads, 0 = EPG_THREADS or all cores (default ${DEFAULT-VALUE}).") int threads;
    @Option(names = "--report-only", description = "Only rewrite OUT/report.html from "
            + "OUT/demo.json and the stages' logs.") boolean reportOnly;

    @Override
    public Integer call() throws Exception {
        if (reportOnly) return rewriteReport();
        if (inception != null && !Files.isRegularFile(inception))
            throw new IllegalArgumentException("--inception " + inception + " is not a file: pass pytorch-fid's "
                    + "pt_inception-2015-12-05-6726825d.pth or leave it out");
        if (threads < 0) throw new IllegalArgumentException("--threads must be >= 0");
        if (!(budget > 0)) throw new IllegalArgumentException("--budget must be > 0 minutes, got " + budget);
        Torch.init();
        if (threads > 0) Torch.setThreads(threads);
        boolean bf16 = bf16();
        double minutes = smoke ? 1 : budget;
        System.out.printf("epg demo -> %s: budget %.3g min%s, %d threads, training in %s%n", out, minutes,
                smoke ? " (smoke)" : "", Torch.threads(), bf16 ? "bf16" : "fp32");
        DemoResult r = new DemoPipeline(new DemoPipeline.Options(minutes, smoke, inception, bf16, seed, threads), out,
                System.out).run();
        r.metrics().forEach(m -> System.out.printf(Locale.ROOT, "%-28s %-40s FD_RCM %9.3f%s%s%n", m.model(),
                m.sampler(), m.fdRcm(), m.classAccuracy() == null ? ""
                        : String.format(Locale.ROOT, "  class accuracy %5.1f%%", 100 * m.classAccuracy()),
                m.fid() == null ? "" : String.format(Locale.ROOT, "  FID %.2f", m.fid())));
        return 0;
    }

    private int rewriteReport() throws IOException {
        Path json = out.resolve(DemoLayout.RESULT);
        if (!Files.isRegularFile(json))
            throw new IllegalArgumentException("no " + json + ": run `epg demo --out " + out + "` first");
        DemoReport.write(out, Json.parse(Files.readString(json), DemoResult.class, json.toString()));
        System.out.println("wrote " + out.resolve(DemoLayout.REPORT));
        return 0;
    }

    private boolean bf16() throws IOException {
        return switch (precision.toLowerCase(java.util.Locale.ROOT)) {
            case "bf16" -> true;
            case "fp32" -> false;
            case "auto" -> cpuHasBf16();
            default -> throw new IllegalArgumentException("unknown --precision '" + precision
                    + "': use auto, bf16 or fp32");
        };
    }

    /** Whether /proc/cpuinfo lists avx512_bf16 or amx_bf16 (where bf16 autocast beats float32: docs/benchmarks.md). */
    static boolean cpuHasBf16() throws IOException {
        Path info = Path.of("/proc/cpuinfo");
        if (!Files.isReadable(info)) return false;
        String text = Files.readString(info);
        return text.contains("avx512_bf16") || text.contains("amx_bf16");
    }
}
