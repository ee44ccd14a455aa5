// docs/demo.md: CPU seconds this process has used (every thread, native ones included), beside wall time.
package epg.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** utime + stime of /proc/self/stat; NaN where there is no procfs. */
public final class ProcessCpu {
    private static final double TICKS_PER_SECOND = 100; // USER_HZ, 100 on every Linux ABI

    private ProcessCpu() {}

    public static double seconds() {
        try {
            String stat = Files.readString(Path.of("/proc/self/stat"));
            // Fields after the parenthesised command name (which may hold spaces): state is field 3,
            // utime 14, stime 15.
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / TICKS_PER_SECOND;
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }
}
