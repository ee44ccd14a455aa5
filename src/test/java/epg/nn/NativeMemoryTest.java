// Issue 2: a long training loop must not grow in resident memory (shared/notes/libtorch-from-java.md, trap 2).
package epg.nn;

import epg.bench.TrainStep;
import epg.config.Presets;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertTrue;

class NativeMemoryTest {
    @Test
    void fiveHundredStepsGrowResidentMemoryByLessThanFivePercent() throws Exception {
        TrainStep step = new TrainStep(Presets.get("EPG-T").withData(8, 3, 10), 4, false, 1);
        for (int i = 0; i < 150; i++) step.run(); // warm-up: allocator pools and autograd caches settle in ~100 steps
        long before = residentKb();
        for (int i = 0; i < 500; i++) step.run();
        long after = residentKb();
        double growth = (after - before) / (double) before;
        assertTrue(growth < 0.05, "resident memory grew " + before + " kB -> " + after + " kB (" + 100 * growth + "%)");
    }

    static long residentKb() throws Exception {
        System.gc();
        Thread.sleep(100);
        for (String line : Files.readAllLines(Path.of("/proc/self/status")))
            if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("\\D", ""));
        throw new IllegalStateException("no VmRSS in /proc/self/status");
    }
}
