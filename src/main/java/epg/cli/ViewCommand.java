// docs/view.md: `epg view [DIR…] [--port 8080] [--host 127.0.0.1]`, the local page to watch runs and sample models.
package epg.cli;

import epg.view.ViewOptions;
import epg.view.ViewServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

@Command(name = "view", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"A local web page: the runs under DIR with live curves from log.jsonl, previews, checkpoints "
                + "and evaluations, and a playground that samples from their model files.",
                "Serves only files inside the given directories, on this machine only unless --host says otherwise. "
                        + "Stop it with Ctrl-C."},
        footerHeading = "%nExample:%n", footer = "  epg view runs --port 8080")
public final class ViewCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "DIR", arity = "0..*",
            description = "run directories or folders holding them (default: runs if it exists, else .)")
    List<Path> dirs;

    @Bounds(min = 0, max = 65535)
    @Option(names = "--port", description = "port, 0 = any free one (default: ${DEFAULT-VALUE})")
    int port = ViewOptions.DEFAULT_PORT;

    @Option(names = "--host", description = "address to listen on (default: ${DEFAULT-VALUE}, this machine only); "
            + "another address lets other machines read the runs and use the CPU")
    String host = ViewOptions.LOOPBACK;

    @Bounds(min = 1, max = 1024)
    @Option(names = "--queue", description = "sampling requests that may wait or run at once "
            + "(default: ${DEFAULT-VALUE})")
    int queue = ViewOptions.DEFAULT_QUEUE;

    @Override
    public Integer call() throws Exception {
        List<Path> served = dirs != null && !dirs.isEmpty() ? dirs
                : List.of(java.nio.file.Files.isDirectory(Path.of("runs")) ? Path.of("runs") : Path.of("."));
        ViewOptions options = new ViewOptions(served, host, port, queue, ViewOptions.DEFAULT_LEASE_MILLIS);
        var err = spec.commandLine().getErr();
        if (!options.loopback())
            err.println("warning: --host " + host + " lets every machine that reaches this address read the served "
                    + "runs and start sampling; use it only on a network you trust");
        ViewServer server = ViewServer.start(options);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }));
        var out = spec.commandLine().getOut();
        out.println("epg view: serving " + String.join(", ", served.stream().map(Path::toString).toList()) + " at "
                + server.url() + "  (Ctrl-C stops)");
        out.flush();
        stopped.await();
        return 0;
    }
}
