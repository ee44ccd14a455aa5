// docs/pretraining.md ("run directory"): `epg plot RUN...`, any run's logged curves as SVG, CSV or TensorBoard files.
package epg.cli;

import epg.report.RunCurves;
import epg.tensor.AtomicFile;
import epg.train.RunLog;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "plot", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Draws the logged curves of one or more training runs, or exports their logs as CSV or as "
                + "TensorBoard event files.",
                "Reads RUN/log.jsonl of `epg pretrain` and `epg train` runs (old and new key spellings alike) and "
                        + "writes one chart per quantity, each with one line per run, as a standalone SVG; with --csv "
                        + "a table of every logged step instead (run, step, time, then one column per quantity), for "
                        + "spreadsheets or pandas; with --tensorboard one event file per run in a folder, for "
                        + "`tensorboard --logdir`."},
        footerHeading = "%nExample:%n",
        footer = {"  epg plot runs/diffusion runs/scratch --keys loss,gradNorm --out curves.svg",
                "  epg plot runs/rcm --csv --out rcm.csv",
                "  epg plot runs/diffusion runs/scratch --tensorboard --out tb && tensorboard --logdir tb"})
public final class PlotCommand implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "RUN", description = "Run directories (or their log.jsonl files).")
    List<Path> runs;
    @Option(names = "--keys", split = ",", paramLabel = "KEY,...", description = "Quantities to draw or export "
            + "(default: drawing loss and lr; exporting every numeric key). Keys: loss, its terms, lr, gradNorm, "
            + "paramNorm, imagesPerSecond, ...") List<String> keys;
    @Option(names = "--csv", description = "Write CSV instead of SVG (to --out, else to standard output).")
    boolean csv;
    @Option(names = "--tensorboard", description = "Write TensorBoard event files instead of SVG: "
            + "OUT/RUN/events.out.tfevents.* per run (default OUT: RUN/tensorboard for one run, tensorboard here for "
            + "several), every numeric key unless --keys.")
    boolean tensorboard;
    @Option(names = "--linear", description = "Linear y axes (default: logarithmic where every value is positive).")
    boolean linear;
    @Option(names = "--out", paramLabel = "FILE", description = "Output file (default: RUN/curves.svg for one run, "
            + "curves.svg here for several; CSV: standard output; --tensorboard: a folder).") Path out;

    @Override
    public Integer call() throws Exception {
        RunCurves curves = RunCurves.read(runs);
        List<String> available = curves.numericKeys();
        if (csv && tensorboard) throw new IllegalArgumentException("give --csv or --tensorboard, not both");
        List<String> chosen = keys != null ? keys.stream().map(RunLog::canonical).toList() : csv || tensorboard
                ? available
                : List.of("loss", "lr").stream().filter(available::contains).toList();
        for (String k : chosen)
            if (!available.contains(k))
                throw new IllegalArgumentException("no run logs '" + k + "'; the logs hold " + available);
        if (csv) {
            String table = curves.csv(chosen);
            if (out == null) System.out.print(table);
            else {
                AtomicFile.writeString(out, table);
                System.out.println("wrote " + out + " (" + Arrays.stream(table.split("\n")).count() + " lines)");
            }
            return 0;
        }
        if (tensorboard) return writeTensorboard(curves, chosen);
        Path target = out != null ? out : runs.size() == 1 && runs.get(0).toFile().isDirectory()
                ? runs.get(0).resolve("curves.svg") : Path.of("curves.svg");
        AtomicFile.writeString(target, curves.svg(chosen, !linear));
        System.out.println("wrote " + target + ": " + String.join(", ", chosen) + " of " + String.join(", ",
                curves.names()));
        return 0;
    }

    /** One event file per run under --out (default: RUN/tensorboard for one run, ./tensorboard for several). */
    private int writeTensorboard(RunCurves curves, List<String> chosen) throws java.io.IOException {
        Path dir = out != null ? out : runs.size() == 1 && runs.get(0).toFile().isDirectory()
                ? runs.get(0).resolve("tensorboard") : Path.of("tensorboard");
        if (java.nio.file.Files.exists(dir) && !java.nio.file.Files.isDirectory(dir))
            throw new IllegalArgumentException(dir + " is a file; --tensorboard writes a folder: give --out DIR");
        for (var f : curves.tensorboard(chosen).entrySet()) {
            Path file = dir.resolve(f.getKey());
            java.nio.file.Files.createDirectories(file.getParent());
            byte[] bytes = f.getValue();
            AtomicFile.write(file, ch -> {
                java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(bytes);
                while (b.hasRemaining()) ch.write(b);
            });
            System.out.println("wrote " + file + " (" + bytes.length + " bytes)");
        }
        System.out.println(String.join(", ", chosen) + "; view with: tensorboard --logdir " + dir);
        return 0;
    }
}
