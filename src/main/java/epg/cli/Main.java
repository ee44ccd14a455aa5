// The `epg` command line (DEVELOPERS.md, "CLI"): one picocli subcommand class per command.
package epg.cli;

import epg.data.DatasetLocator;
import epg.tensor.Natives;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "epg", mixinStandardHelpOptions = true, version = "epg 0.1.0",
        description = "End-to-end pixel-space generative modelling (EPG) on libtorch.",
        subcommands = {CommandLine.HelpCommand.class, ModelsCommand.class, InspectCommand.class, ConvertCommand.class,
                PrepareCommand.class, PretrainCommand.class, TrainCommand.class, ExportCommand.class, DemoCommand.class,
                        SampleCommand.class, DenoiseCommand.class, EvaluateCommand.class,
                BenchCommand.class, ViewCommand.class})
public final class Main implements Runnable {
    /** `epg [COMMAND] --offline`: no dataset is fetched; a missing one is an error saying how to provide it. */
    @Option(names = "--offline", scope = CommandLine.ScopeType.INHERIT,
            description = "Never download a dataset (also EPG_OFFLINE=1); a missing one is an error.")
    void offline(boolean on) {
        if (on) System.setProperty(DatasetLocator.OFFLINE_PROPERTY, "true");
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    public static void main(String[] args) {
        Natives.load(); // on main, before any command starts a thread
        System.exit(commandLine().execute(args));
    }

    /**
     * The configured command line, with every subcommand registered: option values are checked against their
     * {@link Bounds} before a command runs, and every error (a bad option or a failed command) is one line.
     */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionStrategy(parsed -> {
            OptionBounds.check(parsed);
            return new CommandLine.RunLast().execute(parsed);
        });
        cl.setParameterExceptionHandler((ex, args) -> {
            CommandLine line = ex.getCommandLine();
            line.getErr().println(line.getColorScheme().errorText("error: " + ErrorLine.of(ex) + " (see "
                    + line.getCommandSpec().qualifiedName() + " --help)"));
            return line.getCommandSpec().exitCodeOnInvalidInput();
        });
        cl.setExecutionExceptionHandler((ex, line, parse) -> {
            line.getErr().println(line.getColorScheme().errorText("error: " + ErrorLine.of(ex)));
            if (System.getenv("EPG_DEBUG") != null) ex.printStackTrace(line.getErr());
            return 1;
        });
        return cl;
    }
}
