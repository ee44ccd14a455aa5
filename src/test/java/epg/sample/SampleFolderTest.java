// Spec §6 sampling driver: one sampling per --out folder, --overwrite, and a full disk half-way through.
package epg.sample;

import epg.FaultSuite;
import epg.TestSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SampleFolderTest {
    @TempDir static Path tmp;
    static Path model;

    @BeforeAll
    static void saveModel() throws Exception {
        model = epg.TinyRuns.savedSamplingModel(tmp.resolve("tiny.safetensors"));
    }

    static TestSupport.Cli sample(Path out, String... more) {
        List<String> a = new ArrayList<>(List.of("sample", model.toString(), "--steps", "3", "--batch", "2",
                "--out", out.toString()));
        a.addAll(Arrays.asList(more));
        return TestSupport.cli(a.toArray(String[]::new));
    }

    static void ok(TestSupport.Cli r) { assertEquals(0, r.code(), r.out() + r.err()); }

    @Test
    void theSameSamplingAgainIsAllowedAnotherIsRefusedUnlessOverwrite() throws Exception {
        Path out = tmp.resolve("a");
        ok(sample(out, "--seeds", "0-4"));
        byte[] first = Files.readAllBytes(out.resolve(SampleRun.NPZ));
        ok(sample(out, "--seeds", "0-4")); // e.g. after a crash: the same images again
        assertTrue(Arrays.equals(first, Files.readAllBytes(out.resolve(SampleRun.NPZ))));

        TestSupport.Cli other = sample(out, "--seeds", "0-4", "--cfg", "2");
        assertEquals(1, other.code());
        assertTrue(other.err().contains("--out " + out) && other.err().contains("another model or other settings")
                && other.err().contains("--overwrite"), other.err());
        TestSupport.Cli fewer = sample(out, "--seeds", "0-1");
        assertEquals(1, fewer.code(), fewer.err());
        assertTrue(Arrays.equals(first, Files.readAllBytes(out.resolve(SampleRun.NPZ))), "refused: nothing changed");

        ok(sample(out, "--seeds", "0-1", "--overwrite"));
        assertEquals(List.of("000000.png", "000001.png", "grid.png", "samples.npz", SampleFolder.RECORD),
                FaultSuite.files(out), "no image of the earlier sampling is left");
    }

    @Test
    void foldersWithOtherFilesOrSamplesOfUnknownOriginAreRefused() throws Exception {
        Path mixed = Files.createDirectories(tmp.resolve("mixed"));
        Files.writeString(mixed.resolve("notes.txt"), "mine");
        for (String flag : new String[]{"--num", "--overwrite"}) {
            TestSupport.Cli r = flag.equals("--num") ? sample(mixed, "--num", "2")
                    : sample(mixed, "--num", "2", "--overwrite");
            assertEquals(1, r.code());
            assertTrue(r.err().contains("notes.txt") && r.err().contains("does not write"), r.err());
        }
        assertEquals("mine", Files.readString(mixed.resolve("notes.txt")));

        Path old = Files.createDirectories(tmp.resolve("old"));
        Files.write(old.resolve("000007.png"), new byte[]{1});
        TestSupport.Cli r = sample(old, "--num", "2");
        assertEquals(1, r.code());
        assertTrue(r.err().contains("unknown model and settings"), r.err());
        ok(sample(old, "--num", "2", "--overwrite"));
        assertFalse(Files.exists(old.resolve("000007.png")));
    }

    @Test
    void aFullDiskStopsWithTheFileNamedLeavesNoTemporaryFileAndTheReRunCompletes() throws Exception {
        Path reference = tmp.resolve("reference"), out = tmp.resolve("full");
        ok(sample(reference, "--num", "5"));
        FaultSuite.withHandler(FaultSuite.fullDiskFor(p -> p.endsWith("000003.png")), () -> {
            TestSupport.Cli r = sample(out, "--num", "5");
            assertEquals(1, r.code());
            assertTrue(r.err().contains(out.resolve("000003.png").toString())
                    && r.err().contains(FaultSuite.NO_SPACE), r.err());
        });
        assertEquals(List.of(), FaultSuite.temporaries(out));
        assertFalse(Files.exists(out.resolve(SampleRun.NPZ)));
        ok(sample(out, "--num", "5"));
        FaultSuite.assertSameFiles(reference, out);
    }

    @Test
    void temporaryFilesOfAKilledSamplingGo() throws Exception {
        Path out = tmp.resolve("killed");
        ok(sample(out, "--num", "2"));
        Files.writeString(out.resolve(".samples.npz.123456.tmp"), "half");
        Files.writeString(out.resolve(".000001.png.42.tmp"), "half");
        ok(sample(out, "--num", "2"));
        assertEquals(List.of(), FaultSuite.temporaries(out));
    }
}
