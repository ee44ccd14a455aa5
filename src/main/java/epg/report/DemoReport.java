// Spec §7 at demo scale: RUN/report.html of `epg demo`: metrics, loss curves (inline SVG), sample grids, budget and
// wall time per stage.
package epg.report;

import epg.sample.SampleRun;
import epg.tensor.AtomicFile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/** One self-contained HTML page; images are referenced relative to the run directory, charts are inline SVG. */
public final class DemoReport {
    private static final String STYLE = "body{font-family:sans-serif;max-width:980px;margin:2em auto;color:#222}"
            + "table{border-collapse:collapse;margin:.5em 0 1.5em}"
            + "td,th{border:1px solid #ccc;padding:4px 8px;text-align:left}"
            + "td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}th{white-space:nowrap}"
            + "figure{display:inline-block;margin:0 12px 12px 0;vertical-align:top}"
            + "figure img{image-rendering:pixelated;width:320px;border:1px solid #ccc}"
            + "figcaption{max-width:320px;font-size:90%}"
            + ".note{background:#fff6d5;padding:6px 10px}";

    private DemoReport() {}

    /** Writes {@code run}/report.html for {@code r} (reading the stages' log.jsonl files for the charts). */
    public static void write(Path run, DemoResult r) throws IOException {
        AtomicFile.writeString(run.resolve(DemoLayout.REPORT), html(run, r));
    }

    static String html(Path run, DemoResult r) throws IOException {
        StringBuilder b = new StringBuilder("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<title>EPG demo</title><style>").append(STYLE).append("</style></head><body>\n");
        b.append("<h1>EPG demo: Fashion-MNIST at 32 px, RCM pre-training &rarr; EPG</h1>\n<p>")
                .append(r.finished() == null ? "" : Html.escape(r.finished()) + " &middot; ")
                .append(String.format(Locale.ROOT, "total wall time <b>%s</b> &middot; budget %.3g min "
                                + "(plan estimate %s) &middot; %d libtorch threads &middot; training in %s</p>%n",
                        minutes(r.totalSeconds()), r.budgetMinutes(), minutes(r.estimateSeconds()), r.threads(),
                        r.bf16() ? "bf16 autocast" : "float32"));
        if (r.smoke()) b.append("<p class=\"note\">Smoke run (the test suite's): a few steps per stage; the numbers ")
                .append("only show that every stage ran.</p>\n");
        for (String n : r.notes()) b.append("<p class=\"note\">").append(Html.escape(n)).append("</p>\n");
        claim(b, r);
        metrics(b, r);
        charts(b, run, r);
        grids(b, run, r);
        stages(b, r);
        plan(b, r.plan());
        return b.append("</body></html>\n").toString();
    }

    // Section: the paper's Table 6 claim in miniature.
    private static void claim(StringBuilder b, DemoResult r) {
        Optional<MetricRow> epg = row(r, "EPG diffusion"), scratch = row(r, "diffusion from scratch");
        if (epg.isEmpty() || scratch.isEmpty()) return;
        MetricRow e = epg.get(), s = scratch.get();
        b.append(String.format(Locale.ROOT, "<p><b>Pre-training vs scratch</b> (paper, Table 6) after %d diffusion "
                + "steps each, same sampler, %s: ", e.trainSteps(), e.images() == s.images()
                ? e.images() + " samples per model" : e.images() + " and " + s.images() + " samples"));
        if (e.classAccuracy() != null && s.classAccuracy() != null)
            b.append(String.format(Locale.ROOT, "class accuracy %.1f%% with the RCM-initialised encoder vs %.1f%% "
                            + "from scratch, %s; ", 100 * e.classAccuracy(), 100 * s.classAccuracy(),
                    Html.escape(Comparison.accuracy(e.classAccuracy(), e.images(), s.classAccuracy(), s.images(),
                            "pre-training", "scratch"))));
        b.append(String.format(Locale.ROOT, "FD_RCM %.3f vs %.3f, %s. Runs this short are far from converged (the "
                        + "paper compares after hundreds of thousands of steps), so read this as the pipeline "
                        + "working, not as a test of the claim.</p>%n", e.fdRcm(), s.fdRcm(),
                Html.escape(Comparison.fd(e.fdRcm(), s.fdRcm(), "pre-training", "scratch"))));
    }

    private static Optional<MetricRow> row(DemoResult r, String prefix) {
        return r.metrics().stream().filter(m -> m.model().startsWith(prefix)).findFirst();
    }

    private static void metrics(StringBuilder b, DemoResult r) {
        b.append("<h2>Metrics</h2>\n");
        if (r.metrics().isEmpty()) {
            b.append("<p>No model was sampled, so there are no metrics.</p>\n");
            return;
        }
        boolean accuracy = r.metrics().stream().map(MetricRow::classAccuracy).anyMatch(Objects::nonNull);
        b.append("<table><tr><th>model</th><th>init</th><th>steps</th><th>sampler</th><th>NFE</th><th>images</th>")
                .append("<th>FD_RCM &darr;</th><th>FID &darr;</th>")
                .append(accuracy ? "<th>class accuracy &uarr;</th>" : "").append("<th>final loss</th></tr>\n");
        for (MetricRow m : r.metrics()) {
            Double percent = m.classAccuracy() == null ? null : 100 * m.classAccuracy();
            b.append(String.format(Locale.ROOT, "<tr><td>%s</td><td>%s</td><td class=\"n\">%d</td><td>%s</td>"
                            + "<td class=\"n\">%d</td><td class=\"n\">%d</td><td class=\"n\">%.3f</td>"
                            + "<td class=\"n\">%s</td>%s<td class=\"n\">%.4g</td></tr>%n", Html.escape(m.model()),
                    Html.escape(m.init()), m.trainSteps(), Html.escape(m.sampler()), m.nfe(), m.images(), m.fdRcm(),
                    orNa(m.fid(), "%.2f"), accuracy ? "<td class=\"n\">" + orNa(percent, "%.1f%%") + "</td>" : "",
                    m.finalLoss()));
        }
        b.append("</table>\n<p>FD_RCM: the Fréchet distance between the samples and ").append(r.referenceImages())
                .append(" Fashion-MNIST test images in the feature space of this run's own RCM encoder (<code>")
                .append(Html.escape(r.rcmEncoder())).append("</code>, h at σ_min; <code>epg evaluate --features rcm:…")
                .append("</code>). It ranks models within this run; it is not comparable with other runs or with FID. ")
                .append(r.inception() == null ? "FID needs the Inception weights: <code>epg demo --inception "
                        + "pt_inception-2015-12-05-6726825d.pth</code>."
                        : "FID: Inception-v3 (" + Html.escape(r.inception()) + ") against the same images.")
                .append(" Few samples bias both distances upwards; compare rows, not absolute values.</p>\n");
    }

    // Section: loss curves.
    private static void charts(StringBuilder b, Path run, DemoResult r) throws IOException {
        b.append("<h2>Loss curves</h2>\n");
        Path rcm = log(run, DemoLayout.RCM), diff = log(run, DemoLayout.DIFFUSION);
        Path scratch = log(run, DemoLayout.SCRATCH), cons = log(run, DemoLayout.CONSISTENCY);
        b.append(new SvgLineChart("Stage 1: RCM pre-training", "step", "loss", false)
                .add(LogSeries.read(rcm, "loss", "total")).add(LogSeries.read(rcm, "contrastive", "contrastive"))
                .add(LogSeries.read(rcm, "consistency", "consistency")).svg());
        b.append(new SvgLineChart("Stage 2a: diffusion loss, RCM init vs scratch", "step", "loss", true)
                .add(LogSeries.read(diff, "loss", "RCM init (EPG)")).add(LogSeries.read(scratch, "loss", "scratch"))
                .svg());
        b.append(new SvgLineChart("Stage 2b: consistency fine-tuning", "step", "loss", true)
                .add(LogSeries.read(cons, "loss", "total")).svg());
    }

    private static Path log(Path run, String dir) { return run.resolve(dir).resolve(DemoLayout.LOG); }

    // Section: sample grids.
    private static void grids(StringBuilder b, Path run, DemoResult r) throws IOException {
        b.append("<h2>Samples</h2>\n<div>\n");
        figure(b, run, DemoLayout.REFERENCE + "/" + SampleRun.GRID, "data: Fashion-MNIST test images");
        for (MetricRow m : r.metrics())
            figure(b, run, m.samplesDir() + "/" + SampleRun.GRID, m.model() + ", " + m.sampler());
        for (String dir : new String[]{DemoLayout.DIFFUSION, DemoLayout.SCRATCH, DemoLayout.CONSISTENCY}) {
            Optional<Path> last = lastPreview(run.resolve(dir).resolve(DemoLayout.PREVIEWS));
            if (last.isPresent()) figure(b, run, dir + "/" + DemoLayout.PREVIEWS + "/" + last.get().getFileName(),
                    dir + " training preview, " + last.get().getFileName());
        }
        b.append("</div>\n");
    }

    private static Optional<Path> lastPreview(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) return Optional.empty();
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(f -> f.getFileName().toString().matches("step-\\d+\\.png"))
                    .max(Comparator.comparingLong(f -> Long.parseLong(f.getFileName().toString()
                            .replaceAll("\\D", ""))));
        }
    }

    private static void figure(StringBuilder b, Path run, String rel, String caption) {
        if (!Files.exists(run.resolve(rel))) return;
        b.append("<figure><img src=\"").append(Html.escape(rel)).append("\" alt=\"").append(Html.escape(caption))
                .append("\"><figcaption>").append(Html.escape(caption)).append("</figcaption></figure>\n");
    }

    // Section: budget and wall time per stage, and the plan.
    private static void stages(StringBuilder b, DemoResult r) {
        b.append("<h2>Stages</h2>\n<table><tr><th>stage</th><th>what</th><th>status</th><th>budget</th>")
                .append("<th>wall time</th><th>CPU time</th><th>result</th></tr>\n");
        for (StageRecord s : r.stages())
            b.append(String.format(Locale.ROOT, "<tr><td>%s</td><td>%s</td><td>%s</td><td class=\"n\">%s</td>"
                            + "<td class=\"n\">%s</td><td class=\"n\">%s</td><td>%s</td></tr>%n", Html.escape(s.key()),
                    Html.escape(s.title()), s.status(), s.estimateSeconds() == null ? "" : minutes(s.estimateSeconds()),
                    minutes(s.seconds()), minutes(s.cpuSeconds()), Html.escape(s.detail())));
        b.append(String.format(Locale.ROOT, "<tr><td colspan=\"3\"><b>total</b></td><td class=\"n\"><b>%s</b></td>"
                        + "<td class=\"n\"><b>%s</b></td><td class=\"n\"><b>%s</b></td><td></td></tr>%n</table>%n"
                        + "<p>Budget: the plan's estimate per stage, from the costs measured on this machine "
                        + "before the plan was sized (calibration). CPU time counts every thread of the process; on an "
                        + "otherwise idle machine wall time lies between CPU time / threads and CPU time. Load average "
                        + "at the end: %.1f.</p>%n",
                minutes(r.estimateSeconds()), minutes(r.totalSeconds()), minutes(r.cpuSeconds()), r.loadAverage()));
    }

    private static void plan(StringBuilder b, List<DemoResult.PlanItem> plan) {
        b.append("<h2>Plan</h2>\n<table>\n");
        for (DemoResult.PlanItem i : plan) row(b, i.name(), Html.escape(i.value()));
        b.append("</table>\n<p>Configurations: <code>config.json</code> (options, measured costs, this plan and its ")
                .append("estimates) and each stage's <code>config.json</code>; logs: <code>*/log.jsonl</code>; ")
                .append("everything measured: <code>demo.json</code>.</p>\n");
    }

    private static void row(StringBuilder b, String name, Object v) {
        b.append("<tr><td>").append(Html.escape(name)).append("</td><td class=\"n\">").append(v).append("</td></tr>\n");
    }

    private static String orNa(Double v, String format) {
        return v == null ? "n/a" : String.format(Locale.ROOT, format, v);
    }

    static String minutes(double seconds) {
        long s = Math.round(seconds);
        return s >= 60 ? String.format(Locale.ROOT, "%d min %02d s", s / 60, s % 60)
                : String.format(Locale.ROOT, "%.1f s", seconds);
    }
}
