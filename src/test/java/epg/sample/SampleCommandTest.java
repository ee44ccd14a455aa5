// Spec §6 end to end: `epg sample` and `epg denoise` on a tiny random EPG model; batch size never changes an image.
package epg.sample;

import epg.config.ModelConfig;
import epg.data.ByteImage;
import epg.data.ImageDecoder;
import epg.data.Normalization;
import epg.diffusion.Preconditioning;
import epg.nn.EpgModel;
import epg.nn.Init;
import epg.nn.ModelFile;
import epg.tensor.Npy;
import epg.tensor.Rng;
import epg.tensor.Scope;
import epg.tensor.Torch;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipFile;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SampleCommandTest {
    @TempDir static Path tmp;
    static Path modelFile;
    static EpgModel model;

    /** {@link epg.TinyRuns#samplingModel()}: 8 px RGB, 4 classes, a non-zero head. */
    static EpgModel tinyModel() { return epg.TinyRuns.samplingModel(); }

    @BeforeAll
    static void saveModel() throws Exception {
        model = tinyModel();
        modelFile = tmp.resolve("tiny.safetensors");
        ModelFile.save(modelFile, model, Map.of());
    }

    static String[] run(String... args) {
        epg.TestSupport.Cli r = epg.TestSupport.cli(args);
        return new String[]{Integer.toString(r.code()), r.out(), r.err()};
    }

    @Test
    void sampleWritesPngsGridAndAReadableNpz() throws Exception {
        Path out = tmp.resolve("samples");
        String[] r = run("sample", modelFile.toString(), "--seeds", "3,10-13", "--points", "6", "--cfg", "2.5",
                "--batch", "2", "--out", out.toString());
        assertEquals("0", r[0], r[2]);
        // Heun-6: 2·5 calls; of the unshifted points 80, 24.4, 5.84, 0.965, 0.085, 0.002 one lies in (0.19, 1.61]: +2
        assertTrue(r[1].contains("sampled 5 images") && r[1].contains("NFE 12 per image"), r[1]);
        for (long seed : new long[]{3, 10, 11, 12, 13})
            assertTrue(Files.exists(out.resolve(SampleRun.fileName(seed))), "seed " + seed);
        assertEquals(5, Files.list(out).filter(p -> p.getFileName().toString().matches("\\d{6}\\.png")).count());
        ByteImage grid = ImageDecoder.readRgb(out.resolve(SampleRun.GRID));
        // one row per class of the balanced labels, as many 8 px columns as the most frequent class has images, 1 px
        // apart (ImageGrid.gap(8)), right of a margin with each row's name ("class k": the file records no names)
        int[] labels = Labels.balanced(5, model.config.numClasses());
        java.util.Map<Integer, Long> perClass = java.util.Arrays.stream(labels).boxed().collect(
                java.util.stream.Collectors.groupingBy(l -> l, java.util.stream.Collectors.counting()));
        long cols = perClass.values().stream().mapToLong(Long::longValue).max().orElseThrow();
        assertTrue(grid.width() > 1 + 9 * cols + 20, "tiles and a margin for the row names: " + grid.width());
        assertEquals(1 + 9 * perClass.size(), grid.height());
        try (ZipFile z = new ZipFile(out.resolve(SampleRun.NPZ).toFile())) {
            byte[] npy = z.getInputStream(z.getEntry("arr_0.npy")).readAllBytes();
            String header = new String(npy, 10, npy[8] & 0xFF | (npy[9] & 0xFF) << 8, StandardCharsets.ISO_8859_1);
            assertTrue(header.contains("'descr': '|u1'") && header.contains("'shape': (5, 8, 8, 3)"), header);
            int start = 10 + header.length();
            assertEquals(start + 5 * 8 * 8 * 3, npy.length);
            ByteImage second = ImageDecoder.readRgb(out.resolve(SampleRun.fileName(10)));
            assertArrayEquals(second.pixels(), Arrays.copyOfRange(npy, start + 192, start + 384),
                    "npz image 1 = 000010.png");
        }
    }

    @Test
    void batchSizeChangesNoImageOfTheModel() {
        ModelDenoiser d = new ModelDenoiser(model, Preconditioning.Kind.DIFFUSION);
        long[] seeds = {0, 1, 2, 3, 4, 5, 6, 7};
        int[] labels = Labels.balanced(8, 4);
        float[][] results = new float[2][];
        List<List<ByteImage>> images = new java.util.ArrayList<>();
        int[] batches = {8, 3};
        for (int k = 0; k < 2; k++) {
            SampleRun run = SampleRun.of(d, Normalization.IMAGENET, new SampleOptions(EdmStochastic.RELEASED, 8, 2.0,
                    0.19, 1.61, batches[k]));
            Guidance g = run.guidance();
            float[] all = new float[8 * 192];
            List<ByteImage> imgs = new java.util.ArrayList<>();
            for (int from = 0; from < 8; from += batches[k]) {
                int to = Math.min(8, from + batches[k]);
                try (Scope s = Scope.open()) {
                    Tensor x = run.batch(Arrays.copyOfRange(seeds, from, to), Arrays.copyOfRange(labels, from, to), g);
                    float[] v = Torch.toFloats(x);
                    System.arraycopy(v, 0, all, from * 192, v.length);
                    imgs.addAll(epg.data.BatchTensors.toImages(x, Normalization.IMAGENET));
                }
            }
            results[k] = all;
            images.add(imgs);
        }
        // The noise is identical (exactly: see SeedingTest); the network's matrix products may round differently
        // with the batch size (~1e-7), and 8 stochastic Heun steps of a random, untrained network amplify that to
        // ~1e-4 of the largest value (seen: 1.7e-3 of 16.2); pixels agree to within one level.
        double scale = 0, diff = 0;
        for (int i = 0; i < results[0].length; i++) {
            scale = Math.max(scale, Math.abs(results[0][i]));
            diff = Math.max(diff, Math.abs(results[0][i] - results[1][i]));
        }
        assertTrue(diff <= 1e-3 * scale, "samples, batch 8 vs 3: max difference " + diff + " of " + scale);
        for (int i = 0; i < 8; i++) {
            byte[] a = images.get(0).get(i).pixels(), b = images.get(1).get(i).pixels();
            for (int j = 0; j < a.length; j++)
                assertTrue(Math.abs((a[j] & 0xFF) - (b[j] & 0xFF)) <= 1, "image " + i + " pixel " + j);
        }
        assertFalse(Arrays.equals(images.get(0).get(0).pixels(), images.get(0).get(1).pixels()),
                "different seeds differ");
    }

    @Test
    void denoiseCommandIsOneDenoiserCall() throws Exception {
        try (Scope s = Scope.open()) {
            Tensor x = torch.randn(new long[]{2, 3, 8, 8}, new Rng(5).optional(),
                    Torch.options(torch.ScalarType.Float)); // [B, C, H, W]
            Path in = tmp.resolve("x.npy"), out = tmp.resolve("d.npy"), boundary = tmp.resolve("b.npy");
            Npy.write(in, x);
            String[] r = run("denoise", modelFile.toString(), in.toString(), "--sigma", "0.7", "--labels", "2",
                    "--out", out.toString());
            assertEquals("0", r[0], r[2]);
            Tensor expected = new ModelDenoiser(model, Preconditioning.Kind.DIFFUSION).denoise(x,
                    torch.full(new long[]{2}, new Scalar(0.7)), epg.data.BatchTensors.labels(new int[]{2, 2}));
            Tensor got = Npy.read(out);
            assertArrayEquals(new long[]{2, 3, 8, 8}, Torch.shape(got));
            assertArrayEquals(Torch.toFloats(expected), Torch.toFloats(got), 1e-6f);
            // per-image labels from a .npy: the same as the denoiser called with those labels
            Path labelFile = tmp.resolve("y.npy"), perImage = tmp.resolve("dy.npy");
            Npy.write(labelFile, epg.data.BatchTensors.labels(new int[]{1, 3}));
            r = run("denoise", modelFile.toString(), "--in", in.toString(), "--sigma", "0.7", "--labels",
                    labelFile.toString(), "--out", perImage.toString());
            assertEquals("0", r[0], r[2]);
            Tensor expectedY = new ModelDenoiser(model, Preconditioning.Kind.DIFFUSION).denoise(x,
                    torch.full(new long[]{2}, new Scalar(0.7)), epg.data.BatchTensors.labels(new int[]{1, 3}));
            assertArrayEquals(Torch.toFloats(expectedY), Torch.toFloats(Npy.read(perImage)), 1e-6f);
            assertFalse(Arrays.equals(Torch.toFloats(expected), Torch.toFloats(expectedY)),
                    "the labels matter to this model");
            Npy.write(labelFile, epg.data.BatchTensors.labels(new int[]{1, 3, 0}));
            r = run("denoise", modelFile.toString(), "--input", in.toString(), "--sigma", "0.7", "--labels",
                    labelFile.toString(), "--output", perImage.toString());
            assertTrue(r[2].contains("must hold 2 integer class ids"), r[2]);
            // consistency parameterisation at σ_min·s (s = 8/64): D = x, clamped to [-1, 1]
            r = run("denoise", modelFile.toString(), "--input", in.toString(), "--sigma",
                    Double.toString(0.002 * 0.125),
                    "--parameterisation", "consistency", "--output", boundary.toString());
            assertEquals("0", r[0], r[2]);
            float[] xv = Torch.toFloats(x), bv = Torch.toFloats(Npy.read(boundary));
            for (int i = 0; i < xv.length; i++) assertEquals(Math.max(-1f, Math.min(1f, xv[i])), bv[i], 0f);
        }
    }

    /** Without --cfg: the released weight for the resolution, printed (2.5 below 512 px); none for one-step. */
    @Test
    void guidanceDefaultsToTheReleasedWeightAndSaysSo() {
        assertEquals(2.5, Guidance.releasedWeight(256));
        assertEquals(3.2, Guidance.releasedWeight(512));
        assertEquals(2.5, Guidance.releasedWeight(32));
        String[] r = run("sample", modelFile.toString(), "--num", "2", "--steps", "4", "--labels", "random", "--out",
                tmp.resolve("cfg-default").toString());
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].contains("w 2.50 (released default at 8 px)"), r[1]);
        r = run("sample", modelFile.toString(), "--num", "2", "--sampler", "onestep", "--out",
                tmp.resolve("cfg-onestep").toString());
        assertTrue(r[1].contains("w 1.00 (released default at 8 px)"), r[1]);
        r = run("sample", modelFile.toString(), "--num", "2", "--steps", "4", "--cfg", "1.5", "--out",
                tmp.resolve("cfg-given").toString());
        assertTrue(r[1].contains("w 1.50, "), r[1]);
    }

    /**
     * --save-float writes the float32 sampler outputs; --init-noise starts from a given x_T. Given each seed's own x_T
     * (ε·σ_max·s) the outputs are bit-identical to sampling from the seeds; another x_T gives other outputs.
     */
    @Test
    void initialNoiseAndFloatOutputs() throws Exception {
        try (Scope s = Scope.open()) {
            Path a = tmp.resolve("float-a"), b = tmp.resolve("float-b"), c = tmp.resolve("float-c");
            String[] r = run("sample", modelFile.toString(), "--seeds", "0-2", "--steps", "4", "--save-float",
                    "--out", a.toString());
            assertEquals("0", r[0], r[2]);
            Tensor fromSeeds = Npy.read(a.resolve(SampleRun.FLOATS));                               // [3, 3, 8, 8]
            assertArrayEquals(new long[]{3, 3, 8, 8}, Torch.shape(fromSeeds));
            Tensor xT = new epg.diffusion.KarrasGrid(4, 0.125).start(new SeedNoise(new long[]{0, 1, 2},
                    new long[]{3, 8, 8}).initial());                                                 // [3, 3, 8, 8]
            Path init = tmp.resolve("xT.npy");
            Npy.write(init, xT);
            r = run("sample", modelFile.toString(), "--seeds", "0-2", "--steps", "4", "--save-float", "--init-noise",
                    init.toString(), "--out", b.toString());
            assertEquals("0", r[0], r[2]);
            assertArrayEquals(Torch.toFloats(fromSeeds), Torch.toFloats(Npy.read(b.resolve(SampleRun.FLOATS))), 0f);
            Npy.write(init, xT.mul(new Scalar(0.5)));
            run("sample", modelFile.toString(), "--seeds", "0-2", "--steps", "4", "--save-float", "--init-noise",
                    init.toString(), "--out", c.toString());
            float[] half = Torch.toFloats(Npy.read(c.resolve(SampleRun.FLOATS)));
            assertFalse(Arrays.equals(Torch.toFloats(fromSeeds), half));
            Npy.write(init, xT.narrow(0, 0, 2));
            r = run("sample", modelFile.toString(), "--seeds", "0-2", "--steps", "4", "--init-noise", init.toString(),
                    "--out", tmp.resolve("float-bad").toString());
            assertTrue(r[2].contains("the initial noise must be float32 [3, 3, 8, 8]"), r[2]);
            // the float32 grid (--grid-precision float32) is another, nearby trajectory
            Path d = tmp.resolve("float-d");
            r = run("sample", modelFile.toString(), "--seeds", "0-2", "--steps", "4", "--save-float",
                    "--grid-precision", "float32", "--out", d.toString());
            assertEquals("0", r[0], r[2]);
            float[] f32 = Torch.toFloats(Npy.read(d.resolve(SampleRun.FLOATS))), f64 = Torch.toFloats(fromSeeds);
            assertFalse(Arrays.equals(f32, f64));
            float scale = fromSeeds.abs().max().item().toFloat();
            assertArrayEquals(f64, f32, 1e-4f * scale);
        }
    }

    /** denoise --sigmas (one σ per image) and --no-clamp (the raw prediction), on a .pth read with --config. */
    @Test
    void denoisePerImageSigmasUnclampedAndAnArchitectureFile() throws Exception {
        try (Scope s = Scope.open()) {
            Tensor x = torch.randn(new long[]{2, 3, 8, 8}, new Rng(8).optional(),
                    Torch.options(torch.ScalarType.Float)).mul(new Scalar(3.0));                      // [B, C, H, W]
            Tensor sigmas = Torch.fromFloats(new float[]{0.3f, 5f}, 2);                                  // [B]
            Path in = tmp.resolve("xs.npy"), sig = tmp.resolve("sigmas.npy"), out = tmp.resolve("raw.npy");
            Npy.write(in, x);
            Npy.write(sig, sigmas);
            Path pth = tmp.resolve("tiny.pth"), arch = tmp.resolve("arch.json");
            assertEquals("0", run("convert", modelFile.toString(), pth.toString())[0]);
            Files.writeString(arch, epg.config.Json.pretty(model.config));
            String[] r = run("denoise", pth.toString(), "--input", in.toString(), "--sigmas", sig.toString(),
                    "--label", "1", "--no-clamp", "--output", out.toString());
            assertTrue(r[2].contains("--config ARCH_JSON"), "a .pth needs its architecture: " + r[2]);
            r = run("denoise", pth.toString(), "--config", arch.toString(), "--input", in.toString(), "--sigmas",
                    sig.toString(), "--label", "1", "--no-clamp", "--output", out.toString());
            assertEquals("0", r[0], r[2]);
            ModelDenoiser d = new ModelDenoiser(model, Preconditioning.Kind.DIFFUSION);
            Tensor labels = epg.data.BatchTensors.labels(new int[]{1, 1});
            float[] raw = Torch.toFloats(d.raw().denoise(x, sigmas, labels)), got = Torch.toFloats(Npy.read(out));
            assertArrayEquals(raw, got, 1e-6f);
            float max = 0;
            for (float v : got) max = Math.max(max, Math.abs(v));
            assertTrue(max > 1, "the raw prediction leaves [-1, 1] here: " + max);
            r = run("denoise", modelFile.toString(), "--input", in.toString(), "--sigmas", sig.toString(), "--label",
                    "1", "--output", out.toString());
            assertArrayEquals(Torch.toFloats(d.denoise(x, sigmas, labels)), Torch.toFloats(Npy.read(out)), 1e-6f);
            r = run("denoise", modelFile.toString(), "--input", in.toString(), "--sigma", "1", "--sigmas",
                    sig.toString(), "--output", out.toString());
            assertTrue(r[2].contains("--sigma S or --sigmas FILE.npy"), r[2]);
            r = run("denoise", pth.toString(), "--config", arch.toString(), "--preset", "EPG-T", "--input",
                    in.toString(), "--sigma", "1", "--output", out.toString());
            assertTrue(r[2].contains("give --preset or --config, not both"), r[2]);
        }
    }

    @Test
    void badArgumentsAreClearErrors() {
        String[] r = run("sample", modelFile.toString(), "--num", "3", "--seeds", "0-9", "--out",
                tmp.resolve("x").toString());
        assertEquals("1", r[0]);
        assertTrue(r[2].contains("--num 3 but --seeds lists 10 seeds"), r[2]);
        r = run("sample", modelFile.toString(), "--num", "2", "--sampler", "ddim", "--out",
                tmp.resolve("x").toString());
        assertTrue(r[2].contains("unknown sampler 'ddim'"), r[2]);
    }
}
