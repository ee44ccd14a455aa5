// Peak resident memory of this process (VmHWM of /proc/self/status), reported next to each benchmark case.
package epg.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

public final class PeakMemory {
    private PeakMemory() {}

    /**
     * The high-water mark of resident memory in MiB since the process started (or the last reset), or NaN where /proc
     * is missing.
     */
    public static double mib() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status")))
                if (line.startsWith("VmHWM:")) return Long.parseLong(line.replaceAll("\\D", "")) / 1024.0;
        } catch (IOException | NumberFormatException ignored) { /* not Linux */ }
        return Double.NaN;
    }

    /**
     * Resets the high-water mark to the current resident size (Linux ≥ 4.0: "5" to /proc/self/clear_refs); false where
     * it cannot.
     */
    public static boolean reset() {
        try {
            Files.writeString(Path.of("/proc/self/clear_refs"), "5");
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
