// `epg bench …`: benchmarks, each printed next to the same work in PyTorch measured in the same run.
package epg.cli;

import picocli.CommandLine.Command;

@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Runs the benchmarks: Java against PyTorch in the same run.",
        footerHeading = "%nExample:%n", footer = "  epg bench suite --quick",
        subcommands = {BenchSuiteCommand.class, BenchModelCommand.class, BenchDataCommand.class})
public final class BenchCommand implements Runnable {
    @Override
    public void run() { new picocli.CommandLine(this).usage(System.out); }
}
