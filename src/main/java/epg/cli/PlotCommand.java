// docs/pretraining.md ("run directory"): `epg plot RUN...`, any run's logged curves as SVG, or its log as CSV.
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
        description = {"Draws the logged curves of one or more training runs, or exports their logs as CSV.",
                "Reads RUN/log.jsonl of `epg pretrain` and `epg train` runs (old and new key spellings alike) and "
                        + "writes one chart per quantity, each with one line per run, as a standalone SVG; with --csv "
                        + "a table of every logged step instead (run, step, time, then one column per quantity), for "
                        + "spreadsheets, pandas or TensorBoard importers."},
        footerHeading = "%nExample:%n",
        footer = {"  epg plot runs/diffusion runs/scratch --keys loss,gradNorm --out curves.svg",
                "  epg plot runs/rcm --csv --out rcm.csv"})
public final class PlotCommand implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "RUN", description = "Run directories (or their log.jsonl files).")
    List<Path> runs;
    @Option(names = "--keys", split = ",", paramLabel = "KEY,...", description = "Quantities to draw or export "
            + "(default: drawing loss and lr; exporting every numeric key). Keys: loss, its terms, lr, gradNorm, "
            + "paramNorm, imagesPerSecond, ...") List<String> keys;
    @Option(names = "--csv", description = "Write CSV instead of SVG (to --out, else to standard output).")
    boolean csv;
    @Option(names = "--linear", description = "Linear y axes (default: logarithmic where every value is positive).")
    boolean linear;
    @Option(names = "--out", paramLabel = "FILE", description = "Output file (default: RUN/curves.svg for one run, "
            + "curves.svg here for several; CSV: standard output).") Path out;

    @Override
    public Integer call() throws Exception {
        RunCurves curves = RunCurves.read(runs);
        List<String> available = curves.numericKeys();
        List<String> chosen = keys != null ? keys.stream().map(RunLog::canonical).toList() : csv ? available
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
        Path target = out != null ? out : runs.size() == 1 && runs.get(0).toFile().isDirectory()
                ? runs.get(0).resolve("curves.svg") : Path.of("curves.svg");
        AtomicFile.writeString(target, curves.svg(chosen, !linear));
        System.out.println("wrote " + target + ": " + String.join(", ", chosen) + " of " + String.join(", ",
                curves.names()));
        return 0;
    }
}
