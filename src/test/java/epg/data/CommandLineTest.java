// Spec §8: `epg prepare` through the picocli entry point, with a bad file among good ones, and a missing source.
package epg.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CommandLineTest {
    @TempDir Path tmp;

    @Test
    void prepareCommandWritesDatasetAndReportsBadFiles() throws IOException {
        Path src = tmp.resolve("src"), dest = tmp.resolve("dest");
        ImageDecoder.writePng(BadInputTest.picture(40, 30), src.resolve("a_1.png"));
        ImageDecoder.writePng(BadInputTest.picture(30, 40), src.resolve("b_1.png"));
        Path bad = Files.write(src.resolve("b_2.png"), new byte[]{(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 0, 0});
        epg.TestSupport.Cli r = epg.TestSupport.cli("prepare", src.toString(), dest.toString(), "--resolution", "8",
                "--threads", "2");
        String stdout = r.out(), stderr = r.err();
        assertEquals(0, r.code(), stderr);
        assertTrue(stderr.contains("skipped " + bad), stderr);
        assertTrue(stdout.contains("prepared 2 images in 2 classes at 8x8") && stdout.contains("1 skipped"), stdout);
        DatasetManifest m = DatasetManifest.read(dest.resolve("dataset.json"));
        assertEquals(8, m.resolution());
        assertEquals(1, m.counts().get("a"));
        assertEquals(1, m.counts().get("b"));
        assertEquals(8, ImageFolderDataset.open(dest).image(0).height());
    }

    @Test
    void missingSourceIsAClearError() {
        Path missing = tmp.resolve("nope");
        epg.TestSupport.Cli r = epg.TestSupport.cli("prepare", missing.toString(), tmp.resolve("d").toString(),
                "--resolution", "8");
        assertEquals(1, r.code());
        assertTrue(r.err().contains(missing.toString()), r.err());
    }
}
