// Spec §8 resumable `epg prepare`: changed sources redone, a full disk stops it cleanly, a killed run's litter goes.
package epg.data;

import epg.FaultSuite;
import epg.TestSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PrepareFaultTest {
    @TempDir Path tmp;

    /** Three sources in two classes. */
    Path sources() throws IOException {
        Path src = tmp.resolve("src");
        ImageDecoder.writePng(BadInputTest.picture(50, 30), src.resolve("dog/d1.png"));
        ImageDecoder.writePng(BadInputTest.picture(31, 45), src.resolve("dog/d2.png"));
        ImageDecoder.writePng(BadInputTest.picture(20, 20), src.resolve("cat/c1.png"));
        return src;
    }

    static ByteImage flat(int w, int h, int value) {
        ByteImage img = ByteImage.blank(w, h, 3);
        java.util.Arrays.fill(img.pixels(), (byte) value);
        return img;
    }

    @Test
    void aChangedSourceIsPreparedAgainAnUnchangedOneIsNot() throws IOException {
        Path src = sources(), dest = tmp.resolve("dest");
        assertEquals(3, Prepare.run(src, dest, 16, 1, () -> {}).written());
        // same name, another picture of the same size (the size alone would not tell)
        Path d1 = src.resolve("dog/d1.png");
        FileTime before = Files.getLastModifiedTime(d1);
        ImageDecoder.writePng(flat(50, 30, 200), d1);
        Files.setLastModifiedTime(d1, FileTime.fromMillis(before.toMillis() + 5000));
        Prepare.Report again = Prepare.run(src, dest, 16, 1, () -> {});
        assertEquals(1, again.written());
        assertEquals(1, again.redone());
        assertEquals(2, again.reused());
        assertEquals(0, Fixtures.maxDiff(flat(16, 16, 200), ImageDecoder.readRgb(dest.resolve("dog/d1.png"))));
        assertEquals(0, Prepare.run(src, dest, 16, 1, () -> {}).written());
    }

    @Test
    void aSourceThatChangedIntoAnUnreadableFileLosesItsStaleOutput() throws IOException {
        Path src = sources(), dest = tmp.resolve("dest");
        Prepare.run(src, dest, 16, 1, () -> {});
        Files.writeString(src.resolve("cat/c1.png"), "no longer a picture");
        Prepare.Report r = Prepare.run(src, dest, 16, 1, () -> {});
        assertEquals(1, r.failures().size());
        assertFalse(Files.exists(dest.resolve("cat/c1.png")), "the old crop of a changed source stays");
    }

    @Test
    void aFullDiskStopsPrepareNamingTheFileWithoutTemporaryFilesAndTheReRunFinishes() throws Exception {
        Path src = sources(), reference = tmp.resolve("reference");
        Prepare.run(src, reference, 16, 1, () -> {});
        for (String failing : new String[]{"d2.png", DatasetManifest.FILE_NAME}) {
            Path dest = tmp.resolve("full-" + failing);
            FaultSuite.withHandler(FaultSuite.fullDiskFor(p -> p.endsWith(failing)), () -> {
                TestSupport.Cli r = TestSupport.cli("prepare", src.toString(), dest.toString(), "--resolution", "16",
                        "--threads", "1");
                assertEquals(1, r.code(), r.out());
                assertTrue(r.err().contains(failing) && r.err().contains(FaultSuite.NO_SPACE), r.err());
            });
            assertEquals(List.of(), FaultSuite.temporaries(dest), failing);
            assertFalse(Files.exists(dest.resolve(DatasetManifest.FILE_NAME)));
            Prepare.run(src, dest, 16, 1, () -> {});
            FaultSuite.assertSameFiles(reference, dest);
        }
    }

    @Test
    void temporaryFilesOfAKilledPrepareGo() throws IOException {
        Path src = sources(), dest = tmp.resolve("dest");
        Files.createDirectories(dest.resolve("dog"));
        Files.write(dest.resolve("dog/.d1.png.8812.tmp"), new byte[0]);
        Files.write(dest.resolve(".dataset.json.77.tmp"), new byte[0]);
        Prepare.run(src, dest, 16, 1, () -> {});
        assertEquals(List.of(), FaultSuite.temporaries(dest));
    }

    @Test
    void aDestinationInUseIsRefused() throws IOException {
        Path src = sources(), dest = tmp.resolve("dest");
        try (var held = epg.tensor.FolderLock.acquire(dest, "destination")) {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> Prepare.run(src, dest, 16, 1, () -> {}));
            assertTrue(e.getMessage().contains("in use by process " + ProcessHandle.current().pid()), e.getMessage());
        }
    }
}
