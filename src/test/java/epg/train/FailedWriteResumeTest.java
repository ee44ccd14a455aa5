// docs/reliability.md: a run whose write fails (a full disk) at each phase stops clearly and resumes to the same files.
package epg.train;

import epg.FaultSuite;
import epg.TestSupport;
import epg.tensor.FaultPoints;
import epg.tensor.FolderLock;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * In this JVM (the kill -9 versions are {@link KillResumeTest}'s): a write fails as a full disk fails it, at a
 * checkpoint file, the model file, a log line (torn half-way), a preview, or right after {@code latest} moved. The
 * run stops with an error naming the file and "No space left on device", leaves no temporary file, and its re-run
 * ends with the files of an uninterrupted run: model file and last preview of the last checkpoint, log repaired.
 */
class FailedWriteResumeTest {
    @TempDir static Path tmp;
    static ReferenceRuns ref;

    @BeforeAll
    static void uninterruptedRuns() { ref = ReferenceRuns.make(tmp); }

    @ParameterizedTest(name = "{0}: {1} of *{2} #{3} fails")
    @CsvSource({
            "pretrain, beforeRename, step-3/online.safetensors, 1",
            "pretrain, beforeRename, /encoder.safetensors, 4",
            "pretrain, afterRename, checkpoints/latest, 4",
            "pretrain, beforeAppend, log.jsonl, 3",
            "finetune, beforeRename, previews/step-0000004.png, 1",
            "finetune, afterRename, checkpoints/latest, 4",
    })
    void aFailedWriteStopsTheRunClearlyAndTheReRunEndsWithTheUninterruptedFiles(String stage, String point,
            String suffix, int nth) throws Exception {
        Path run = tmp.resolve(stage + "-" + point + "-" + suffix.replaceAll("[^A-Za-z0-9]", "_") + "-" + nth);
        FaultSuite.withHandler(failing(point, suffix, nth), () -> {
            TestSupport.Cli r = TestSupport.cli(ref.args(stage, run));
            assertEquals(1, r.code(), r.out() + r.err());
            assertTrue(r.err().contains(FaultSuite.NO_SPACE), r.err());
            if (!point.equals("afterRename")) assertTrue(r.err().contains(run.toString()) && r.err()
                    .contains(suffix.replaceFirst("^/", "")), r.err());
        });
        assertEquals(List.of(), FaultSuite.temporaries(run));
        ok(TestSupport.cli(ref.args(stage, run)));
        FaultSuite.assertSameFiles(ref.reference(stage), run);
    }

    @Test
    void aRunDirectoryInUseIsRefusedNamingTheHolderWhateverTheSettings() throws Exception {
        Path run = tmp.resolve("locked");
        try (FolderLock held = new RunDir(run).lock()) {
            for (String every : new String[]{"1", "2"}) {
                String[] a = ref.args("pretrain", run);
                a[java.util.Arrays.asList(a).indexOf("--checkpoint-every") + 1] = every;
                TestSupport.Cli r = TestSupport.cli(a);
                assertEquals(1, r.code());
                assertTrue(r.err().contains(run + " is in use by process " + ProcessHandle.current().pid()
                        + " on host "), r.err());
            }
        }
        assertTrue(!Files.exists(run.resolve(RunDir.LOG)), "the refused runs wrote nothing");
        ok(TestSupport.cli(ref.args("pretrain", run)));
        FaultSuite.assertSameFiles(ref.pretrain(), run);
    }

    /** Fails the NTH write at {@code point} of a file ending with {@code suffix} as a full disk does. */
    static FaultPoints.Handler failing(String point, String suffix, int nth) {
        AtomicInteger seen = new AtomicInteger();
        FaultPoints.Handler disk = FaultSuite.fullDiskFor(p -> true);
        return new FaultPoints.Handler() {
            boolean hit(String name, Path file) {
                return name.equals(point) && file.toString().endsWith(suffix) && seen.incrementAndGet() == nth;
            }

            @Override
            public void beforeRename(Path file, Path temp) throws IOException {
                if (hit("beforeRename", file)) disk.beforeRename(file, temp);
            }

            @Override
            public void afterRename(Path file) throws IOException {
                if (hit("afterRename", file)) throw new IOException(FaultSuite.NO_SPACE + " (just after the rename)");
            }

            @Override
            public void beforeAppend(Path file, byte[] line) throws IOException {
                if (hit("beforeAppend", file)) disk.beforeAppend(file, line);
            }
        };
    }

    static void ok(TestSupport.Cli r) { ReferenceRuns.ok(r); }
}
