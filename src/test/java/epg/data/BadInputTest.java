// Spec §8: corrupt, truncated, unsupported and missing inputs give errors naming the file; prepare skips them.
package epg.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BadInputTest {
    @TempDir Path tmp;

    static ByteImage picture(int w, int h) {
        ByteImage img = ByteImage.blank(w, h, 3);
        for (int i = 0; i < img.pixels().length; i++) img.pixels()[i] = (byte) (i * 7 % 251);
        return img;
    }

    static Path jpeg(Path file, ByteImage img) throws IOException {
        Files.createDirectories(file.getParent());
        assertTrue(ImageIO.write(img.toBufferedImage(), "jpeg", file.toFile()));
        return file;
    }

    static Path truncate(Path file, double keep) throws IOException {
        byte[] b = Files.readAllBytes(file);
        Files.write(file, Arrays.copyOf(b, (int) (b.length * keep)));
        return file;
    }

    static void assertNames(Path file, Runnable r) {
        DataException e = assertThrows(DataException.class, r::run);
        assertEquals(file, e.path());
        assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
    }

    @Test
    void truncatedJpegIsDetected() throws IOException {
        Path f = truncate(jpeg(tmp.resolve("t.jpg"), picture(64, 48)), 0.6);
        assertNames(f, () -> ImageDecoder.readRgb(f));
        assertTrue(assertThrows(DataException.class, () -> ImageDecoder.readRgb(f)).getMessage().contains("truncated"));
        Path ok = jpeg(tmp.resolve("ok.jpg"), picture(64, 48));
        assertEquals(64, ImageDecoder.readRgb(ok).width());
    }

    @Test
    void corruptAndTruncatedPngAreDetected() throws IOException {
        Path png = tmp.resolve("c.png");
        ImageDecoder.writePng(picture(40, 40), png);
        byte[] b = Files.readAllBytes(png);
        for (int i = 60; i < b.length - 20; i++) b[i] ^= 0x5A;   // scramble the compressed data after IHDR
        Files.write(png, b);
        assertNames(png, () -> ImageDecoder.readRgb(png));
        Path cut = tmp.resolve("cut.png");
        ImageDecoder.writePng(picture(40, 40), cut);
        truncate(cut, 0.5);
        assertNames(cut, () -> ImageDecoder.readRgb(cut));
    }

    @Test
    void unsupportedEmptyAndMissingFiles() throws IOException {
        Path txt = Files.writeString(tmp.resolve("notes.txt"), "not an image");
        assertNames(txt, () -> ImageDecoder.readRgb(txt));
        Path empty = Files.write(tmp.resolve("empty.png"), new byte[0]);
        assertNames(empty, () -> ImageDecoder.readRgb(empty));
        Path missing = tmp.resolve("missing.png");
        assertNames(missing, () -> ImageDecoder.readRgb(missing));
        Path noDir = tmp.resolve("no-such-dir");
        assertNames(noDir, () -> Dataset.open(noDir, true));
        Path emptyDir = Files.createDirectory(tmp.resolve("empty-dir"));
        DataException e = assertThrows(DataException.class, () -> ImageFolderDataset.open(emptyDir));
        assertEquals(emptyDir, e.path());
        assertTrue(e.getMessage().contains("no image files"), e.getMessage());
    }

    @Test
    void prepareFinishesTheRestReportsTheBadAndResumes() throws IOException {
        Path src = tmp.resolve("src"), dest = tmp.resolve("dest");
        ImageDecoder.writePng(picture(50, 30), src.resolve("dog/d1.png"));
        jpeg(src.resolve("dog/d2.jpg"), picture(31, 45));
        ImageDecoder.writePng(picture(20, 20), src.resolve("cat/c1.png"));
        Path bad = truncate(jpeg(src.resolve("cat/broken.jpg"), picture(80, 60)), 0.5);
        Path txt = Files.writeString(src.resolve("cat/readme.txt"), "hello");
        Prepare.Report r = Prepare.run(src, dest, 16, 2, () -> {});
        assertEquals(3, r.written());
        assertEquals(List.of(bad, txt), r.failures().stream().map(Prepare.Failure::file).toList());
        r.failures().forEach(f -> assertTrue(f.reason().startsWith(f.file().toString()), f.reason()));
        assertEquals(List.of("cat", "dog"), r.manifest().classes());
        assertEquals(1, r.manifest().counts().get("cat"));
        assertEquals(2, r.manifest().counts().get("dog"));
        ImageFolderDataset prepared = ImageFolderDataset.open(dest);
        assertEquals(3, prepared.size());
        assertEquals(List.of(0, 1, 1), Arrays.stream(prepared.labels()).boxed().toList());
        assertEquals(0, Fixtures.maxDiff(CenterCrop.adm(ImageDecoder.readRgb(src.resolve("dog/d2.jpg")), 16),
                prepared.image(2)));
        // resume: the finished files are kept, nothing is redone
        Files.delete(dest.resolve("dog/d1.png"));
        Prepare.Report again = Prepare.run(src, dest, 16, 1, () -> {});
        assertEquals(1, again.written());
        assertEquals(2, again.reused());
        assertEquals(r.manifest(), again.manifest());
        // a second run at another resolution does not silently reuse the 16 px files
        Prepare.Report other = Prepare.run(src, dest, 12, 1, () -> {});
        assertEquals(0, other.reused());
        assertTrue(other.failures().stream().anyMatch(f -> f.file().equals(src.resolve("dog/d1.png"))
                && f.reason().contains(dest.resolve("dog/d1.png") + ": already exists")), other.failures().toString());
    }

    @Test
    void flatFolderTakesTheClassFromTheNamePrefix() throws IOException {
        Path src = tmp.resolve("flat");
        ImageDecoder.writePng(picture(10, 10), src.resolve("zebra_1.png"));
        ImageDecoder.writePng(picture(10, 12), src.resolve("ant_7.png"));
        ImageDecoder.writePng(picture(12, 10), src.resolve("zebra_2.png"));
        ImageFolderDataset d = ImageFolderDataset.open(src);
        assertEquals(List.of("ant", "zebra"), d.classes());
        assertEquals(List.of(0, 1, 1), Arrays.stream(d.labels()).boxed().toList());
        Prepare.Report r = Prepare.run(src, tmp.resolve("out"), 8, 2, () -> {});
        assertEquals(3, r.written());
        assertEquals(8, ImageFolderDataset.open(tmp.resolve("out")).image(1).width());
    }

    @Test
    void aBadFileMetByTheLoaderNamesIt() throws IOException {
        Path dir = tmp.resolve("ds");
        for (int i = 0; i < 6; i++) ImageDecoder.writePng(picture(12, 12), dir.resolve("x_" + i + ".png"));
        Path bad = truncate(dir.resolve("x_3.png"), 0.4);
        Loader.Config c = new Loader.Config(6, 8, Loader.Mode.PRETRAIN, Normalization.IMAGENET, 0, 0, 1, 2, 1);
        try (Loader l = new Loader(ImageFolderDataset.open(dir), c)) {
            DataException e = assertThrows(DataException.class, l::next);
            assertEquals(bad, e.path());
        }
    }
}
