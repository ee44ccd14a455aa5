// The `epg` command line (README "Commands"): one picocli subcommand class per command.
package epg.cli;

import epg.config.BuildInfo;
import epg.data.DatasetLocator;
import epg.tensor.Natives;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "epg", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "End-to-end pixel-space generative modelling (EPG) on libtorch.",
        footerHeading = "%nExample:%n",
        footer = {"  epg demo                      # the whole method on Fashion-MNIST in 20 minutes",
                "  epg sample MODEL --num 64 --out samples && epg evaluate samples REF.npz --inception F",
                "`epg COMMAND --help` shows each command's options and an example."},
        subcommands = {CommandLine.HelpCommand.class, ModelsCommand.class, InspectCommand.class, ConvertCommand.class,
                PrepareCommand.class, PretrainCommand.class, TrainCommand.class, ExportCommand.class, PlotCommand.class,
                DemoCommand.class, SampleCommand.class, DenoiseCommand.class, EvaluateCommand.class,
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
        try {
            Natives.load(); // on main, before any command starts a thread
        } catch (RuntimeException | LinkageError e) { // a bad EPG_BLAS, a cache that cannot be written: one line too
            System.err.println("error: " + ErrorLine.of(e));
            if (System.getenv("EPG_DEBUG") != null) e.printStackTrace();
            System.exit(1);
        }
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
        cl.setParameterExceptionHandler(Main::usageError);
        cl.setExecutionExceptionHandler((ex, line, parse) -> {
            line.getErr().println(line.getColorScheme().errorText("error: " + ErrorLine.of(ex)));
            if (System.getenv("EPG_DEBUG") != null) ex.printStackTrace(line.getErr());
            return 1;
        });
        return cl;
    }

    /**
     * A usage error, on one line: the one wrong thing, the nearest option names for a misspelt one, and where the help
     * is; never the whole usage.
     */
    static int usageError(CommandLine.ParameterException ex, String[] args) {
        CommandLine cmd = ex.getCommandLine();
        String suggestion = "";
        if (ex instanceof CommandLine.UnmatchedArgumentException u && !u.getSuggestions().isEmpty())
            suggestion = "; did you mean " + String.join(" or ", u.getSuggestions().stream().limit(3).toList()) + "?";
        cmd.getErr().println(cmd.getColorScheme().errorText("error: " + ErrorLine.of(ex) + suggestion + " (see "
                + cmd.getCommandSpec().qualifiedName() + " --help for its options and an example)"));
        return cmd.getCommandSpec().exitCodeOnInvalidInput();
    }

    /** `epg --version`: the project version and the git commit it was built from. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            BuildInfo b = BuildInfo.current();
            return new String[]{"epg " + b.version() + " (commit " + b.commit() + ")",
                    "Java " + System.getProperty("java.version") + ", libtorch 2.10 (JavaCPP presets 1.5.13)"};
        }
    }
}
