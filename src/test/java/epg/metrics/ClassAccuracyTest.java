// Class accuracy: the committed classifier against PyTorch's logits (scripts/classifier/fmnist_classifier.py fixture).
package epg.metrics;

import com.google.gson.Gson;
import com.google.gson.JsonObject;
import epg.TestSupport;
import epg.tensor.Npy;
import epg.tensor.Npz;
import epg.tensor.Scope;
import epg.tensor.Torch;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static epg.TestSupport.fixture;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fixture holds the first 300 Fashion-MNIST test images (uint8, padded to 32 px), their labels, the logits and
 * predictions of the PyTorch network with the committed weights, and 4 uniform-noise float inputs with their logits.
 */
class ClassAccuracyTest {
    static final Path FIXTURE = fixture("metrics/class_accuracy.npz");
    static final double LOGIT_TOL = 2e-5;
    static FashionClassifier net;
    static Map<String, Tensor> fx;
    static int[] labels;
    static long[] torchPredictions;

    @TempDir
    static Path dir;

    @BeforeAll
    static void load() throws IOException {
        net = FashionClassifier.load();
        fx = Npz.read(FIXTURE);
        labels = ints(fx.get("labels"));
        torchPredictions = Torch.toLongs(fx.get("predictions"));
    }

    static int[] ints(Tensor t) {
        return java.util.Arrays.stream(Torch.toLongs(t)).mapToInt(Math::toIntExact).toArray();
    }

    static double maxAbsDiff(Tensor a, Tensor b) {
        assertArrayEquals(Torch.shape(b), Torch.shape(a), "shape");
        return a.sub(b).abs().max().item_double();
    }

    @Test
    void logitsEqualPyTorchs() {
        try (Scope s = Scope.open()) {
            double real = maxAbsDiff(net.logits(FashionClassifier.input(fx.get("images"))), fx.get("logits"));
            assertTrue(real < LOGIT_TOL, "test images: largest logit difference " + real);
            double noise = maxAbsDiff(net.logits(fx.get("noise")), fx.get("noise_logits"));
            assertTrue(noise < LOGIT_TOL, "noise inputs: largest logit difference " + noise);
        }
    }

    @Test
    void realTestImagesAreJudgedRightAndShuffledLabelsAreChance() {
        ClassAccuracy a = ClassAccuracy.measure(net, fx.get("images"), labels);
        // Independent count from PyTorch's predictions in the fixture.
        int right = 0;
        for (int i = 0; i < labels.length; i++) if (torchPredictions[i] == labels[i]) right++;
        assertEquals((double) right / labels.length, a.overall(), 1e-12);
        assertTrue(a.overall() > 0.85, "real test images: " + a.overall());
        assertEquals(labels.length, a.count());
        List<Integer> shuffled = new ArrayList<>();
        for (int l : labels) shuffled.add(l);
        Collections.shuffle(shuffled, new Random(7));
        ClassAccuracy control = ClassAccuracy.measure(net, fx.get("images"),
                shuffled.stream().mapToInt(Integer::intValue).toArray());
        assertTrue(control.overall() > 0.02 && control.overall() < 0.2, "shuffled labels: " + control.overall());
    }

    @Test
    void greyRgbFloatAnd28PxInputsAgree() {
        try (Scope s = Scope.open()) {
            Tensor u8 = fx.get("images").narrow(0, 0, 40);                                  // [40, 32, 32, 1]
            Tensor want = net.logits(FashionClassifier.input(u8));
            assertTrue(maxAbsDiff(net.logits(FashionClassifier.input(u8.repeat(1, 1, 1, 3))), want) < 1e-5, "RGB");
            Tensor f = u8.to(ScalarType.Float).permute(0, 3, 1, 2).div(new Scalar(127.5)).sub(new Scalar(1.0));
            assertTrue(maxAbsDiff(net.logits(FashionClassifier.input(f)), want) < 1e-5, "float in [-1, 1]");
            Tensor small = u8.narrow(1, 2, 28).narrow(2, 2, 28);                             // the unpadded 28 px
            assertTrue(maxAbsDiff(net.logits(FashionClassifier.input(small)), want) < 1e-6, "28 px padded here");
        }
    }

    @Test
    void countsFollowTheDefinition() {
        ClassAccuracy a = ClassAccuracy.of("x", new long[]{0, 0, 1, 2, 2, 2}, new int[]{0, 1, 1, 2, 2, 9});
        assertEquals(4 / 6.0, a.overall(), 1e-15);
        assertEquals((1 + 0.5 + 1 + 0) / 4, a.classMean(), 1e-15);
        assertEquals(1.0, a.perClass()[0]);
        assertEquals(0.5, a.perClass()[1]);
        assertEquals(0.0, a.perClass()[9]);
        assertNull(a.perClass()[3], "no samples of class 3");
        assertArrayEquals(new long[]{1, 2, 2, 0, 0, 0, 0, 0, 0, 1}, a.perClassCount());
        var e = assertThrows(IllegalArgumentException.class, () -> ClassAccuracy.of("x", new long[]{0}, new int[]{10}));
        assertTrue(e.getMessage().contains("label 10 of sample 0"), e.getMessage());
    }

    /** 20 fixture images of each class in class order (what epg sample's balanced labels mean), as RGB. */
    static Tensor balancedRgb(int perClass, List<Integer> rows) {
        for (int c = 0; c < 10; c++)
            for (int i = 0, n = 0; n < perClass; i++) if (labels[i] == c) { rows.add(i); n++; }
        long[] idx = rows.stream().mapToLong(Integer::longValue).toArray();
        return fx.get("images").index_select(0, Torch.fromLongs(idx, idx.length)).repeat(1, 1, 1, 3);
    }

    @Test
    void evaluateCommandJudgesBalancedSamplesAndGivenLabels() throws IOException {
        List<Integer> rows = new ArrayList<>();
        Path balanced = dir.resolve("balanced.npz"), labelled = dir.resolve("labelled.npz");
        try (Scope s = Scope.open()) {
            Npz.write(balanced, Map.of("arr_0", balancedRgb(20, rows)));
            Npz.write(labelled, Map.of("arr_0", fx.get("images"), "arr_1", fx.get("labels")));
            Npy.write(dir.resolve("labels.npy"), fx.get("labels"));
        }
        int right = 0;
        for (int k = 0; k < rows.size(); k++) if (torchPredictions[rows.get(k)] == k / 20) right++;
        JsonObject j = evaluate(balanced, "balanced.json");
        assertEquals("balanced", j.get("classLabels").getAsString());
        assertEquals(right / 200.0, j.getAsJsonObject("classAccuracy").get("overall").getAsDouble(), 1e-12);
        JsonObject given = evaluate(labelled, "labelled.json");
        assertEquals("labelled.npz:arr_1", given.get("classLabels").getAsString());
        double want = ClassAccuracy.of("x", torchPredictions, labels).overall();
        assertEquals(want, given.getAsJsonObject("classAccuracy").get("overall").getAsDouble(), 1e-12);
        TestSupport.Cli bad = TestSupport.cli("evaluate", balanced.toString(), "--class-accuracy",
                "--labels", dir.resolve("labels.npy").toString());
        assertEquals(1, bad.code());
        assertTrue(bad.err().contains("holds 300 labels for 200 samples"), bad.err());
        TestSupport.Cli noRef = TestSupport.cli("evaluate", balanced.toString());
        assertEquals(1, noRef.code());
        assertTrue(noRef.err().contains("REF is missing"), noRef.err());
    }

    static JsonObject evaluate(Path samples, String json) throws IOException {
        Path out = dir.resolve(json);
        TestSupport.Cli r = TestSupport.cli("evaluate", samples.toString(), "--class-accuracy", "--batch", "64",
                "--out", out.toString());
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("class accuracy (fashion-mnist-cnn") && r.out().contains("ankle boot"), r.out());
        JsonObject j = new Gson().fromJson(Files.readString(out), JsonObject.class);
        assertEquals(samples.toString(), j.get("samples").getAsString());
        return j;
    }
}
