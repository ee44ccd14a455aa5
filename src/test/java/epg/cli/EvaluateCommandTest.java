// Spec §7: `epg evaluate` end to end with the offline RCM extractor (no Inception weights needed), PNG and .npz inputs.
package epg.cli;

import com.google.gson.Gson;
import com.google.gson.JsonObject;
import epg.config.ModelConfig;
import epg.config.ModelConfig.Kind;
import epg.metrics.FeatureStats;
import epg.metrics.FrechetDistance;
import epg.metrics.ImageSource;
import epg.metrics.PrecisionRecall;
import epg.metrics.RcmExtractor;
import epg.nn.RcmEncoder;
import epg.tensor.Checkpoints;
import epg.tensor.Npz;
import epg.tensor.Safetensors;
import epg.tensor.Scope;
import epg.tensor.Torch;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;

import static epg.TestSupport.assertClose;
import static epg.TestSupport.fixture;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EvaluateCommandTest {
    static final ModelConfig GOLDEN_RCM = new ModelConfig("golden", Kind.RCM, 32, 4, 3, 2, 64, 4, 0, 0, 0, 10, 4, 128,
            32, 3, 0, 0, true);
    @TempDir
    static Path dir;
    static Path checkpoint, samplesNpz, samplesPng, refNpz;

    @BeforeAll
    static void files() throws IOException {
        try (Scope s = Scope.open()) {
            checkpoint = dir.resolve("rcm.safetensors");
            Safetensors.write(checkpoint, Checkpoints.readTensors(fixture("nn/rcm.safetensors")),
                    Map.of("config", new Gson().toJson(GOLDEN_RCM)));
            Tensor samples = images(24, 1, 3), ref = images(30, 2, 3);
            samplesNpz = dir.resolve("samples.npz");
            refNpz = dir.resolve("ref.npz");
            Npz.write(samplesNpz, Map.of("arr_0", samples));
            Npz.write(refNpz, Map.of("arr_0", ref));
            samplesPng = Files.createDirectories(dir.resolve("samples"));
            writePngs(samples, samplesPng);
        }
    }

    /** n 32×32 uint8 images (a ramp plus seeded noise, so that the features vary). */
    static Tensor images(int n, long seed, int channels) {
        Random r = new Random(seed);
        long[] v = new long[n * 32 * 32 * channels];
        for (int i = 0; i < v.length; i++) v[i] = Math.min(255, (i / channels % 32) * 5 + r.nextInt(80) + seed * 10);
        return Torch.fromLongs(v, n, 32, 32, channels).to(ScalarType.Byte);
    }

    static void writePngs(Tensor images, Path folder) throws IOException {
        long[] s = Torch.shape(images), v = Torch.toLongs(images);
        for (int i = 0; i < s[0]; i++) {
            BufferedImage img = new BufferedImage(32, 32, s[3] == 1 ? BufferedImage.TYPE_BYTE_GRAY
                    : BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < 32; y++)
                for (int x = 0; x < 32; x++) {
                    int p = (int) (((i * 32L + y) * 32 + x) * s[3]);
                    if (s[3] == 1) img.getRaster().setSample(x, y, 0, (int) v[p]);
                    else img.setRGB(x, y, (int) (v[p] << 16 | v[p + 1] << 8 | v[p + 2]));
                }
            ImageIO.write(img, "png", folder.resolve(String.format("%03d.png", i)).toFile());
        }
    }

    record Run(int code, String out, String err) {}

    static Run epg(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    static JsonObject evaluate(Path samples, Path ref, Path json) throws IOException {
        Run r = epg("evaluate", samples.toString(), ref.toString(), "--features", "rcm:" + checkpoint, "--batch", "7",
                "--out", json.toString());
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("extractor rcm:rcm.safetensors") && r.out().contains("FID:"), r.out());
        return new Gson().fromJson(Files.readString(json), JsonObject.class);
    }

    @Test
    void rcmMetricsEqualTheDirectComputation() throws IOException {
        JsonObject j = evaluate(samplesNpz, refNpz, dir.resolve("npz.json"));
        assertEquals("rcm:rcm.safetensors", j.get("extractor").getAsString());
        // the Fréchet distance is named for its feature space, the extractor by its file and checksum
        assertFalse(j.has("fid"), "an RCM-space distance is not an FID: " + j);
        assertEquals(checkpoint.toAbsolutePath().toString(), j.get("extractorFile").getAsString());
        assertEquals(epg.tensor.Sha256.of(checkpoint), j.get("extractorSha256").getAsString());
        assertEquals(24, j.get("sampleCount").getAsLong());
        assertEquals(30, j.get("referenceCount").getAsLong());
        assertEquals("arr_0", j.get("referenceStatistics").getAsString());
        assertTrue(j.get("sfid").isJsonNull() && j.get("inceptionScore").isJsonNull(), "no sFID/IS without Inception");
        try (Scope s = Scope.open()) {
            RcmExtractor e = RcmExtractor.load(checkpoint, null);
            Tensor fs = e.extract(Npz.read(samplesNpz, "arr_0")).pool(),
                    fr = e.extract(Npz.read(refNpz, "arr_0")).pool();
            double fid = FrechetDistance.between(FeatureStats.of(fs), FeatureStats.of(fr));
            assertTrue(fid > 0.01, "distinct sets are apart: " + fid);
            assertEquals(fid, j.get("fdRcm").getAsDouble(), 1e-6 * fid, "batched CLI run = one-batch computation");
            PrecisionRecall pr = PrecisionRecall.of(fr, fs);
            assertEquals(pr.precision(), j.get("precision").getAsDouble());
            assertEquals(pr.recall(), j.get("recall").getAsDouble());
        }
        JsonObject png = evaluate(samplesPng, refNpz, dir.resolve("png.json"));
        assertEquals(j.get("fdRcm").getAsDouble(), png.get("fdRcm").getAsDouble(), 0.0,
                "PNG folder and .npz give the same images");
    }

    @Test
    void referenceMadeFromPngsEvaluatesToZeroAgainstItsImages() throws IOException {
        Path ref = dir.resolve("made-ref.npz");
        Run r = epg("evaluate", "--make-ref", samplesPng.toString(), ref.toString(), "--features", "rcm:" + checkpoint);
        assertEquals(0, r.code(), r.out() + r.err());
        try (Scope s = Scope.open()) {
            assertTrue(Npz.read(samplesNpz, "arr_0").equal(Npz.read(ref, "arr_0")), "arr_0 holds the PNGs' pixels");
        }
        JsonObject j = evaluate(samplesNpz, ref, dir.resolve("self.json"));
        assertTrue(Math.abs(j.get("fdRcm").getAsDouble()) < 1e-6, "FD of a set against itself: " + j.get("fdRcm"));
        assertEquals(1.0, j.get("precision").getAsDouble());
        assertEquals(1.0, j.get("recall").getAsDouble());
    }

    @Test
    void rcmFeaturesFollowSpecSection1() throws IOException {
        try (Scope s = Scope.open()) {
            RcmExtractor e = RcmExtractor.load(checkpoint, null);
            Tensor img = images(3, 5, 3);
            double sigma = 0.002 * 32 / 64, cIn = 1 / Math.sqrt(sigma * sigma + 0.25);
            assertEquals(sigma, e.sigma(), 0);
            Tensor x = img.to(ScalarType.Float).div(new Scalar(255.0)).permute(0, 3, 1, 2);
            Tensor mean = Torch.fromFloats(new float[]{0.485f, 0.456f, 0.406f}, 1, 3, 1, 1);
            Tensor std = Torch.fromFloats(new float[]{0.229f, 0.224f, 0.225f}, 1, 3, 1, 1);
            RcmEncoder enc = new RcmEncoder(GOLDEN_RCM);
            enc.load(Checkpoints.readTensors(fixture("nn/rcm.safetensors")), true);
            enc.eval();
            float c = (float) (250 * Math.log(sigma));
            Tensor want = enc.representation(x.sub(mean).div(std.mul(new Scalar(2.0))).mul(new Scalar(cIn)),
                    Torch.fromFloats(new float[]{c, c, c}, 3));
            assertClose(e.extract(img).pool(), want, 1e-6, "h at σ_min·s");
        }
    }

    @Test
    void greyPngsStayOneChannel() throws IOException {
        Path grey = Files.createDirectories(dir.resolve("grey"));
        try (Scope s = Scope.open()) {
            Tensor img = images(4, 3, 1);
            writePngs(img, grey);
            try (ImageSource src = ImageSource.open(grey)) {
                assertEquals(4, src.count());
                assertTrue(img.equal(src.next(10)), "raw grey samples, no colour conversion");
            }
            // A grey image among colour ones is repeated to RGB, without Java's grey gamma conversion.
            Path mixed = Files.createDirectories(dir.resolve("mixed"));
            writePngs(images(1, 4, 3), mixed);
            Files.copy(grey.resolve("001.png"), mixed.resolve("zz-grey.png"));
            try (ImageSource src = ImageSource.open(mixed)) {
                assertTrue(img.narrow(0, 1, 1).repeat(1, 1, 1, 3).equal(src.next(2).narrow(0, 1, 1)),
                        "grey repeated to RGB");
            }
        }
    }

    @Test
    void withoutAnExtractorTheErrorSaysWhereTheWeightsAre() {
        Run r = epg("evaluate", samplesNpz.toString(), refNpz.toString(), "--inception",
                dir.resolve("nowhere.pth").toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("github.com/mseitzer/pytorch-fid/releases") && r.err().contains("nowhere.pth"),
                r.err());
        Run none = epg("evaluate", samplesNpz.toString(), refNpz.toString());
        assertEquals(1, none.code());
        assertTrue(none.err().contains("--features rcm:CHECKPOINT") && none.err()
                .contains("pt_inception-2015-12-05-6726825d.pth"), none.err());
    }

    @Test
    void statisticsWithoutImagesAreOnlyForInception() throws IOException {
        Path statsOnly = dir.resolve("stats-only.npz");
        try (Scope s = Scope.open()) {
            Npz.write(statsOnly, Map.of("mu", Torch.zeros(ScalarType.Double, 64), "sigma",
                    Torch.zeros(ScalarType.Double, 64, 64)));
        }
        Run r = epg("evaluate", samplesNpz.toString(), statsOnly.toString(), "--features", "rcm:" + checkpoint);
        assertEquals(1, r.code());
        assertTrue(r.err().contains("stats-only.npz has neither arr_0 images nor images to compute "
                + "rcm:rcm.safetensors statistics"), r.err());
    }
}
