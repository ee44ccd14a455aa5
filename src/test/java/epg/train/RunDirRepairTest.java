// docs/reliability.md: what a resumed run repairs in its directory (torn log, litter) and the directory lock.
package epg.train;

import com.google.gson.JsonObject;
import epg.FaultSuite;
import epg.tensor.FolderLock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RunDirRepairTest {
    @TempDir Path tmp;

    static String line(long step) { return "{\"step\":" + step + ",\"loss\":1.5}"; }

    @Test
    void aTornTailAndTheLinesPastTheCheckpointGo() throws IOException {
        RunDir dir = new RunDir(tmp);
        Files.writeString(dir.file(RunDir.LOG), line(1) + "\n" + line(2) + "\n" + line(3) + "\n{\"step\":4,\"lo");
        assertEquals(2, dir.truncateLog(2));
        assertEquals(List.of(line(1), line(2)), Files.readAllLines(dir.file(RunDir.LOG)));
        // a torn line that a later append continued on the same line is dropped as well
        Files.writeString(dir.file(RunDir.LOG), line(1) + "\n{\"step\":2,\"l" + line(2) + "\n");
        assertEquals(1, dir.truncateLog(5));
        assertEquals(List.of(line(1)), Files.readAllLines(dir.file(RunDir.LOG)));
    }

    @Test
    void withoutACheckpointEveryStepLineGoes() throws IOException {
        RunDir dir = new RunDir(tmp);
        Files.writeString(dir.file(RunDir.LOG), line(1) + "\n" + line(2) + "\n");
        assertEquals(2, dir.truncateLog(0));
        assertEquals("", Files.readString(dir.file(RunDir.LOG)));
    }

    @Test
    void anUntouchedLogIsNotRewritten() throws IOException {
        RunDir dir = new RunDir(tmp);
        Files.writeString(dir.file(RunDir.LOG), line(1) + "\n");
        Files.setLastModifiedTime(dir.file(RunDir.LOG), java.nio.file.attribute.FileTime.fromMillis(1000));
        assertEquals(0, dir.truncateLog(1));
        assertEquals(1000, Files.getLastModifiedTime(dir.file(RunDir.LOG)).toMillis());
    }

    @Test
    void aFullDiskWhileAppendingNamesTheLog() throws Exception {
        RunDir dir = new RunDir(tmp);
        JsonObject o = new JsonObject();
        o.addProperty("step", 1);
        FaultSuite.withHandler(FaultSuite.fullDiskFor(p -> p.endsWith(RunDir.LOG)), () -> {
            IOException e = assertThrows(IOException.class, () -> dir.log(o));
            assertTrue(e.getMessage().contains(dir.file(RunDir.LOG).toString())
                    && e.getMessage().contains(FaultSuite.NO_SPACE), e.getMessage());
        });
    }

    @Test
    void tidyRemovesTemporaryFilesHalfWrittenAndHalfPrunedStepsAndStepsBeyondKeep() throws IOException {
        RunDir dir = new RunDir(tmp);
        Path cps = dir.checkpoints();
        for (int s : new int[]{1, 2, 3, 4}) {
            Files.createDirectories(cps.resolve("step-" + s));
            Files.writeString(cps.resolve("step-" + s).resolve("online.safetensors"), "x");
            if (s != 1 && s != 4) Files.writeString(cps.resolve("step-" + s).resolve("state.json"), "{}");
        }
        Files.writeString(cps.resolve("latest"), "step-3\n");
        Path[] litter = {tmp.resolve(".model.safetensors.123.tmp"), cps.resolve(".latest.9.tmp"),
                cps.resolve("step-3").resolve(".rng.safetensors.77.tmp"),
                tmp.resolve("previews/.step-0000002.png.5.tmp")};
        for (Path p : litter) {
            Files.createDirectories(p.getParent());
            Files.writeString(p, "partial");
        }
        Path mine = Files.writeString(tmp.resolve("notes.tmp"), "not ours");
        dir.tidy(1);
        for (Path p : litter) assertFalse(Files.exists(p), p.toString());
        assertTrue(Files.exists(mine));
        // step-1: half pruned, step-4: half written, step-2: beyond --keep 1; step-3 is latest
        assertEquals(List.of("step-3"), Files.list(cps).filter(Files::isDirectory).map(p -> p.getFileName().toString())
                .toList());
    }

    @Test
    void aSecondHolderOfTheLockIsRefusedNamingTheFirst() throws IOException {
        RunDir dir = new RunDir(tmp.resolve("run"));
        try (FolderLock first = dir.lock()) {
            IllegalStateException e = assertThrows(IllegalStateException.class, dir::lock);
            assertTrue(e.getMessage().contains("is in use by process " + ProcessHandle.current().pid() + " on host "),
                    e.getMessage());
            assertTrue(e.getMessage().contains("--out"), e.getMessage());
        }
        try (FolderLock again = dir.lock()) {
            assertTrue(Files.readString(dir.file(FolderLock.FILE)).startsWith("process "));
        }
        assertEquals("", Files.readString(dir.file(FolderLock.FILE)));
    }
}
