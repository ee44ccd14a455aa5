// docs/reliability.md "fault suite": an `epg` command in its own JVM that stops at a chosen write for a kill -9.
package epg;

import epg.tensor.FaultPoints;
import epg.tensor.Natives;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * Args: POINT SUFFIX NTH, then an `epg` command line. At the NTH time the fault point POINT (beforeRename,
 * afterRename, beforeAppend, tornAppend, beforeDelete) meets a file whose path ends with SUFFIX, prints "FAULT POINT
 * FILE" and waits to be killed ({@link FaultSuite#killAt}); tornAppend first appends half of the line, as a disk
 * that filled up half-way through would. Without a match the command runs to its end and "EXIT STATUS" is printed.
 */
public final class FaultChild {
    public static void main(String[] args) {
        Natives.load();
        FaultPoints.install(new Stop(args[0], args[1], Integer.parseInt(args[2])));
        int code = epg.cli.Main.commandLine().execute(Arrays.copyOfRange(args, 3, args.length));
        System.out.println("EXIT " + code);
        System.out.flush();
        Runtime.getRuntime().halt(code);
    }

    /** Stops the process at the chosen point. */
    private static final class Stop implements FaultPoints.Handler {
        private final String point, suffix;
        private final int nth;
        private int seen;

        Stop(String point, String suffix, int nth) {
            this.point = point;
            this.suffix = suffix;
            this.nth = nth;
        }

        @Override public void beforeRename(Path file, Path temp) { at("beforeRename", file); }

        @Override public void afterRename(Path file) { at("afterRename", file); }

        @Override public void beforeDelete(Path file) { at("beforeDelete", file); }

        @Override
        public void beforeAppend(Path file, byte[] line) throws IOException {
            if (point.equals("tornAppend") && matches(file))
                Files.write(file, Arrays.copyOf(line, line.length / 2), StandardOpenOption.CREATE,
                        StandardOpenOption.APPEND);
            at(point.equals("tornAppend") ? "tornAppend" : "beforeAppend", file);
        }

        private boolean matches(Path file) {
            return file.toString().replace('\\', '/').endsWith(suffix) && seen + 1 == nth;
        }

        private synchronized void at(String name, Path file) {
            if (!name.equals(point) || !file.toString().replace('\\', '/').endsWith(suffix) || ++seen != nth) return;
            System.out.println("FAULT " + name + " " + file);
            System.out.flush();
            while (true) {
                try {
                    Thread.sleep(60_000);
                } catch (InterruptedException e) {
                    // keep waiting for the kill
                }
            }
        }
    }
}
