// Spec §3 "multi-process runs" on one machine (`epg ... --nproc N`): N JVMs started with torchrun's variables.
package epg.dist;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Starts the ranks of a one-machine job as child JVMs (same java, JVM options and class path as this one) with RANK,
 * WORLD_SIZE, LOCAL_RANK, MASTER_ADDR = 127.0.0.1 and a free MASTER_PORT, as torchrun would, and EPG_THREADS = cores /
 * N unless set. Output goes to this process's output. When a rank fails, the others get {@code grace} to stop by
 * themselves (their next collective fails) and are then killed; the job's status is the first failing rank's.
 */
public final class Launcher {
    private final Rendezvous job;
    private final List<Process> ranks = new ArrayList<>();

    private Launcher(Rendezvous job) { this.job = job; }

    /** A job of {@code nproc} ranks on this machine, on a free port, with the given collective timeout. */
    public static Launcher local(int nproc, int timeoutSeconds) throws IOException {
        if (nproc < 1) throw new IllegalArgumentException("--nproc must be >= 1, got " + nproc);
        return new Launcher(new Rendezvous(0, nproc, 0, "127.0.0.1", freePort(), timeoutSeconds));
    }

    /** The running ranks, by rank. */
    public List<Process> ranks() { return List.copyOf(ranks); }

    /** Starts every rank: {@code java [this JVM's options] -cp [this class path] mainClass args…}. */
    public List<Process> start(String mainClass, List<String> args, ProcessBuilder.Redirect output) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(mainClass);
        cmd.addAll(args);
        for (int r = 0; r < job.worldSize(); r++) {
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(output)
                    .redirectInput(ProcessBuilder.Redirect.INHERIT);
            pb.environment().putAll(job.environment(r, r));
            // the ranks share the cores: libtorch's default (all of them, each) would oversubscribe them
            int cores = Runtime.getRuntime().availableProcessors();
            pb.environment().putIfAbsent("EPG_THREADS", Integer.toString(Math.max(1, cores / job.worldSize())));
            ranks.add(pb.start());
        }
        return ranks();
    }

    /**
     * Waits for every rank. When one exits with a non-zero status, the others have {@code graceSeconds} to exit, then
     * are killed. Returns 0 when all succeeded, else the first failure's status.
     */
    public int await(int graceSeconds) throws InterruptedException {
        int status = 0, failed = -1;
        long deadline = Long.MAX_VALUE;
        while (true) {
            boolean running = false;
            for (int r = 0; r < ranks.size(); r++) {
                Process p = ranks.get(r);
                if (p.isAlive()) { running = true; continue; }
                if (p.exitValue() != 0 && failed < 0) {
                    failed = r;
                    status = p.exitValue();
                    deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(graceSeconds);
                    System.err.printf("epg: rank %d of %d exited with status %d; the other ranks stop at their next"
                            + " collective (killed after %d s)%n", r, ranks.size(), status, graceSeconds);
                }
            }
            if (!running) return status;
            if (System.nanoTime() > deadline) {
                for (Process p : ranks) if (p.isAlive()) p.destroyForcibly();
                for (Process p : ranks) p.waitFor();
                System.err.printf("epg: killed the ranks still running %d s after rank %d failed%n", graceSeconds,
                        failed);
                return status;
            }
            Thread.sleep(100);
        }
    }

    /** Runs {@code mainClass args} as {@code nproc} ranks and returns the job's status (for the CLI's --nproc). */
    public static int run(int nproc, int timeoutSeconds, String mainClass, List<String> args)
            throws IOException, InterruptedException {
        Launcher l = local(nproc, timeoutSeconds);
        l.start(mainClass, args, ProcessBuilder.Redirect.INHERIT);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> l.ranks.forEach(Process::destroy)));
        return l.await(timeoutSeconds + 30);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
