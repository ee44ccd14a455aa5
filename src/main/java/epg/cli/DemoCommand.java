// Spec §3–§7 end to end: `epg demo`, the paper's pipeline on Fashion-MNIST with tiny presets, in a time budget.
package epg.cli;

import epg.config.Json;
import epg.demo.DemoPipeline;
import epg.report.DemoLayout;
import epg.report.DemoReport;
import epg.report.DemoResult;
import epg.tensor.Torch;
import epg.tensor.Precision;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Runs the whole method on Fashion-MNIST at 32 px (RCM-T, EPG-T): RCM pre-training -> diffusion "
                + "fine-tuning (and the same diffusion training from scratch, for the paper's pre-training-vs-scratch "
                + "comparison) -> consistency fine-tuning -> sampling (Heun with interval guidance; one step) -> "
                + "evaluation (FD_RCM; FID with --inception).",
                "Writes OUT/config.json, one run directory per stage, samples/, demo.json and report.html (loss "
                        + "curves, metrics, sample grids, budget and wall time per stage). Before planning it times a "
                        + "few steps of every stage on this machine, then sizes the plan so "
                        + "that the whole run takes --budget minutes."},
        footerHeading = "%nExample:%n",
        footer = {"  epg demo --budget 20 --out runs/demo", "  epg demo --scale 0.5 --out runs/demo-half",
                "  epg demo --report-only --out runs/demo"})
public final class DemoCommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Option(names = "--out", defaultValue = "runs/demo", description = "Run directory (default ${DEFAULT-VALUE}).")
    Path out;
    @Bounds(above = 0)
    @Option(names = "--budget", defaultValue = "20", paramLabel = "MINUTES",
            description = "Wall-clock budget in minutes; steps and image counts are sized to it from costs measured "
                    + "first (default ${DEFAULT-VALUE}).") double budget;
    @Bounds(min = 0)
    @Option(names = "--scale", defaultValue = "0", paramLabel = "F",
            description = "Run the default plan times F (F = 1: 900 pre-training, 2 x 1300 diffusion and 300 "
                    + "consistency steps, 500 samples per model) instead of sizing it to --budget; the run then takes "
                    + "what it takes on this machine; 0 = size to --budget (default ${DEFAULT-VALUE}).") double scale;
    @Option(names = "--smoke", description = "A one-minute run of every stage with tiny counts (the test suite's).")
    boolean smoke;
    @Option(names = "--inception", paramLabel = "PATH", defaultValue = "${env:EPG_INCEPTION}",
            description = "pytorch-fid's Inception weights, to report FID as well (default: "
                    + "$EPG_INCEPTION; nothing is downloaded).") Path inception;
    @Bounds
    @Option(names = "--seed", defaultValue = "0", description = "Seed of every stage (default ${DEFAULT-VALUE}).")
    long seed;
    @Mixin ComputeOptions compute; // --precision defaults to auto here; the demo runs on the CPU
    @Option(names = "--report-only", description = "Only rewrite OUT/report.html from "
            + "OUT/demo.json and the stages' logs.") boolean reportOnly;

    @Override
    public Integer call() throws Exception {
        if (reportOnly) return rewriteReport();
        if (inception != null && !Files.isRegularFile(inception))
            throw new IllegalArgumentException("--inception " + inception + " is not a file: pass pytorch-fid's "
                    + "pt_inception-2015-12-05-6726825d.pth or leave it out");
        if (!(budget > 0)) throw new IllegalArgumentException("--budget must be > 0 minutes, got " + budget);
        if (!compute.device.equals("cpu"))
            throw new IllegalArgumentException("epg demo runs on the CPU (its plan is timed there); for --device "
                    + compute.device + " run its stages with epg pretrain, train, sample and evaluate");
        compute.init();
        Precision precision = compute.precision("auto");
        if (precision == Precision.FP16) throw new IllegalArgumentException("--precision fp16 needs CUDA; use bf16");
        boolean bf16 = precision == Precision.BF16;
        int threads = compute.threads;
        double minutes = smoke ? 1 : budget;
        System.out.printf("epg demo -> %s: budget %.3g min%s, %d threads, training in %s%n", out, minutes,
                smoke ? " (smoke)" : "", Torch.threads(), bf16 ? "bf16" : "fp32");
        DemoResult r = new DemoPipeline(new DemoPipeline.Options(minutes, smoke ? 0 : scale, smoke, inception, bf16,
                seed, threads), out,
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
}
