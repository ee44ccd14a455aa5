// Spec §7: our FID Inception equals torchvision's inception_v3 as pytorch-fid adapts it (make_inception_parity.py).
package epg.metrics;

import epg.tensor.Npz;
import epg.tensor.Scope;
import epg.tensor.Torch;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.google.gson.Gson;
import com.google.gson.JsonObject;
import epg.cli.Main;
import org.bytedeco.pytorch.global.torch.ScalarType;

import epg.tensor.TorchSave;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;

import static epg.TestSupport.assertClose;
import static epg.TestSupport.assertSameTensors;
import static epg.TestSupport.fixture;
import static epg.TestSupport.python;
import static epg.TestSupport.requirePython;
import static epg.TestSupport.relativeError;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InceptionParityTest {
    static final double REL = 1e-5;

    @TempDir
    static Path dir;
    static Scope scope;
    static InceptionV3 net;

    /**
     * The fixture's network: its ~95 MB of weights are a function of name and element index, computed here as
     * scripts/fixtures/make_inception_parity.py computes them, and written to the class's folder (for the CLI test)
     * and read back through {@link InceptionV3#load}.
     */
    static synchronized InceptionV3 net() throws IOException {
        if (net == null) {
            scope = Scope.open();
            Map<String, Tensor> state = new LinkedHashMap<>();
            new InceptionV3().stateDict().forEach((name, t) -> state.put(name, weights(name, Torch.shape(t))));
            TorchSave.write(dir.resolve("inception.pth"), state);
            net = InceptionV3.load(dir.resolve("inception.pth"));
        }
        return net;
    }

    /** The script's weights(): SplitMix64 of (crc32(name) << 32) + i, uniform in double, one rounding to float32. */
    static Tensor weights(String name, long[] shape) {
        CRC32 crc = new CRC32();
        crc.update(name.getBytes(StandardCharsets.UTF_8));
        long base = crc.getValue() << 32;
        float[] v = new float[Math.toIntExact(Torch.numel(shape))];
        double fanIn = (double) v.length / shape[0];
        for (int i = 0; i < v.length; i++) {
            double u = (splitMix64(base + i) >>> 11) * 0x1.0p-53;
            if (name.endsWith("running_var") || name.endsWith("bn.weight")) v[i] = (float) (0.5 + u);
            else if (name.endsWith("running_mean") || name.endsWith("bn.bias") || name.equals("fc.bias"))
                v[i] = (float) ((2 * u - 1) * (0.1 * Math.sqrt(3)));
            else v[i] = (float) ((2 * u - 1) * (Math.sqrt(3) * Math.sqrt(2.0 / fanIn)));
        }
        return Torch.fromFloats(v, shape); // [shape]
    }

    static long splitMix64(long x) {
        long z = x + 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    @AfterAll
    static void free() { if (scope != null) scope.close(); }

    @Test
    void matchesTorchvisionWithFidBlocks() throws IOException {
        InceptionV3 net = net();
        try (Scope s = Scope.open()) {
            Map<String, Tensor> io = Npz.read(fixture("metrics/inception_io.npz"));
            Features f = net.extract(io.get("images"));
            assertArrayEquals(new long[]{2, 2048}, Torch.shape(f.pool()));
            assertArrayEquals(new long[]{2, 2023}, Torch.shape(f.spatial()));
            assertArrayEquals(new long[]{2, 1008}, Torch.shape(f.logits()));
            check(f.pool(), io.get("pool"), "pool features");
            check(f.spatial(), io.get("spatial"), "sFID spatial slice (Mixed_6d channels 0-6, NHWC)");
            check(f.logits(), io.get("logits"), "logits without bias (ADM)");
            check(f.logits().add(net.fcBias()), io.get("logits_full"), "torchvision forward (with fc bias)");
        }
    }

    /**
     * The committed fixture is what its script makes with this machine's python3-torch and torchvision: the input
     * images bit for bit, the network's outputs to {@link #REGENERATED} relative error. torch's float32 kernels sum in
     * a different order on each CPU kind (the fixture was made on an AVX-512 CPU; on an AVX2-only EPYC the pool
     * features came out equal only to rounding), so outputs can't be compared bit for bit across machines.
     */
    @Test
    @Tag("oracle")
    void fixtureIsWhatItsScriptMakes() throws IOException {
        requirePython("torch", "torchvision", "numpy");
        Path made = dir.resolve("inception_io.npz");
        python(600, "scripts/fixtures/make_inception_parity.py", made.toString());
        try (Scope s = Scope.open()) {
            Map<String, Tensor> want = Npz.read(fixture("metrics/inception_io.npz")), got = Npz.read(made);
            assertSameTensors(Map.of("images", want.get("images")), Map.of("images", got.get("images")),
                    "inception_io.npz");
            assertEquals(List.copyOf(want.keySet()), List.copyOf(got.keySet()), "inception_io.npz: tensor names");
            for (String k : want.keySet())
                if (!k.equals("images")) assertClose(got.get(k), want.get(k), REGENERATED, "inception_io.npz: " + k);
        }
    }

    /** Relative error allowed between the committed outputs and the ones made again on another CPU kind. */
    private static final double REGENERATED = 1e-5;

    private static void check(Tensor actual, Tensor expected, String what) {
        double err = relativeError(actual, expected);
        System.out.printf("Inception parity, %s: relative error %.2e%n", what, err);
        assertTrue(err <= REL, what + ": relative error " + err + " > " + REL);
    }

    /**
     * `epg evaluate` with Inception features: a reference made from images scores FID = sFID = 0 against them (~30
     * image passes).
     */
    @Test
    @Tag("slow")
    void evaluateCommandWithInception() throws IOException {
        InceptionV3 net = net();
        try (Scope s = Scope.open()) {
            Tensor images = Npz.read(fixture("metrics/inception_io.npz"), "images").repeat(6, 1, 1, 1).narrow(0, 0, 11);
            images = images.add(Torch.fromLongs(java.util.stream.LongStream.range(0, 11).toArray(), 11, 1, 1, 1)
                    .to(ScalarType.Byte));
            Path samples = dir.resolve("samples.npz"), ref = dir.resolve("ref.npz"), json = dir.resolve("eval.json");
            Npz.write(samples, Map.of("arr_0", images));
            String weights = dir.resolve("inception.pth").toString();
            assertEquals(0, Main.commandLine().execute("evaluate", "--make-ref", samples.toString(), ref.toString(),
                    "--inception", weights,
                    "--batch", "4"));
            Features f = net.extract(images);
            assertTrue(FeatureStats.of(f.pool()).mu().allclose(Npz.read(ref, "mu"), 1e-9, 1e-9, false),
                    "mu of the reference file");
            assertTrue(FeatureStats.of(f.spatial()).sigma().allclose(Npz.read(ref, "sigma_s"), 1e-9, 1e-9, false),
                    "sigma_s of the reference file");
            assertEquals(0, Main.commandLine().execute("evaluate", samples.toString(), ref.toString(), "--inception",
                    weights, "--batch", "4",
                    "--out", json.toString()));
            JsonObject j = new Gson().fromJson(Files.readString(json), JsonObject.class);
            assertEquals(InceptionV3.ID, j.get("extractor").getAsString());
            assertEquals("file", j.get("referenceStatistics").getAsString());
            assertEquals(11, j.get("sampleCount").getAsLong());
            System.out.println("Inception evaluate, a set against itself: FID " + j.get("fid") + ", sFID "
                    + j.get("sfid"));
            assertTrue(Math.abs(j.get("fid").getAsDouble()) < 1e-6 && Math.abs(j.get("sfid").getAsDouble()) < 1e-6,
                    "a set against itself: FID " + j.get("fid") + ", sFID " + j.get("sfid"));
            assertEquals(InceptionScore.of(f.logits()), j.get("inceptionScore").getAsDouble(), 1e-6);
            assertEquals(1.0, j.get("precision").getAsDouble());
            assertEquals(1.0, j.get("recall").getAsDouble());
        }
    }

    @Test
    void missingWeightsSayWhereToGetThem() {
        IOException e = assertThrows(IOException.class, () -> InceptionV3.load(dir.resolve("none")
                .resolve(InceptionV3.WEIGHTS_FILE)));
        assertTrue(e.getMessage().contains("https://github.com/mseitzer/pytorch-fid/releases/download/fid_weights/"
                + "pt_inception-2015-12-05-6726825d.pth"), e.getMessage());
    }

    @Test
    void parameterNamesAreThoseOfPytorchFid() {
        try (Scope s = Scope.open()) {
            Map<String, Tensor> sd = new InceptionV3().stateDict();
            assertEquals(472, sd.size(), "566 keys of pytorch-fid's file minus its 94 num_batches_tracked counters");
            assertArrayEquals(new long[]{32, 3, 3, 3}, Torch.shape(sd.get("Conv2d_1a_3x3.conv.weight")));
            assertArrayEquals(new long[]{64}, Torch.shape(sd.get("Mixed_5b.branch1x1.bn.running_mean")));
            assertArrayEquals(new long[]{192, 160, 1, 7}, Torch.shape(sd.get("Mixed_6d.branch7x7dbl_5.conv.weight")));
            assertArrayEquals(new long[]{384, 384, 3, 1}, Torch.shape(sd.get("Mixed_7c.branch3x3dbl_3b.conv.weight")));
            assertArrayEquals(new long[]{1008, 2048}, Torch.shape(sd.get("fc.weight")));
            assertEquals(23_850_960L, new InceptionV3().parameterCount(),
                    "torchvision's inception_v3(num_classes=1008, aux_logits=False)");
        }
    }

    /**
     * Guards BasicConv2d's contiguous() against libtorch's wrong channels-last 1×1 convolutions (80 output channels).
     */
    @Test
    void channelsLastInputGivesTheSameOutput() {
        try (Scope s = Scope.open(); NoGradGuard g = new NoGradGuard()) {
            torch.manual_seed(3);
            BasicConv2d conv = new BasicConv2d(64, 80); // Conv2d_3b_1x1
            conv.stateDict().forEach((k, t) -> t.copy_(torch.rand(t.sizes()).add(new Scalar(0.5))));
            Tensor x = torch.rand(new long[]{2, 64, 73, 73});
            double err = relativeError(conv.forward(x.contiguous(torch.MemoryFormat.ChannelsLast)), conv.forward(x));
            assertTrue(err < 1e-5, "channels-last input: relative error " + err);
        }
    }
}
