// Spec §8 (tests): `epg prepare` through the picocli entry point, with a bad file among good ones, and a missing source.
package epg.data;

import epg.cli.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
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
        PrintStream out = System.out, err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream(), e = new ByteArrayOutputStream();
        int code;
        try {
            System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
            code = Main.commandLine().execute("prepare", src.toString(), dest.toString(), "--resolution", "8", "--threads", "2");
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
        String stdout = o.toString(StandardCharsets.UTF_8), stderr = e.toString(StandardCharsets.UTF_8);
        assertEquals(0, code, stderr);
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
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        var cl = Main.commandLine();
        cl.setErr(new java.io.PrintWriter(e, true));
        Path missing = tmp.resolve("nope");
        assertEquals(1, cl.execute("prepare", missing.toString(), tmp.resolve("d").toString(), "--resolution", "8"));
        assertTrue(e.toString().contains(missing.toString()), e.toString());
    }
}
