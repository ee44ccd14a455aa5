// Spec §7: FID/sFID, IS and precision/recall equal NumPy/SciPy values (scripts/fixtures/make_metrics_fixtures.py).
package epg.metrics;

import epg.tensor.Npz;
import epg.tensor.Scope;
import epg.tensor.Torch;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.util.Map;

import static epg.TestSupport.fixture;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MetricsTest {
    static final double REL = 1e-6;
    static Scope scope;
    static Map<String, Tensor> m;

    @BeforeAll
    static void load() throws IOException {
        scope = Scope.open();
        m = Npz.read(fixture("metrics/metrics.npz"));
    }

    @AfterAll
    static void free() { scope.close(); }

    static double value(String key) { return m.get(key).item_double(); }

    static void assertRel(double expected, double actual, double rel, String what) {
        double err = Math.abs(actual - expected) / Math.abs(expected);
        System.out.printf("%s: expected %.17g, got %.17g, relative error %.2e%n", what, expected, actual, err);
        assertTrue(err <= rel, what + ": expected " + expected + ", got " + actual + " (relative error " + err + ")");
    }

    @ParameterizedTest
    @ValueSource(strings = {"regular", "singular", "spatial"})
    void frechetDistanceMatchesScipy(String name) {
        FeatureStats x = FeatureStats.of(m.get("fid_" + name + "_x")), y = FeatureStats.of(m.get("fid_" + name + "_y"));
        assertTrue(x.mu().allclose(m.get("fid_" + name + "_mu_x"), 1e-12, 1e-12, false), "mean as np.mean");
        assertTrue(x.sigma().allclose(m.get("fid_" + name + "_sigma_x"), 1e-12, 1e-12, false), "covariance as np.cov");
        assertRel(value("fid_" + name + "_value"), FrechetDistance.between(x, y), REL, "FID " + name);
        assertRel(value("fid_" + name + "_value"), FrechetDistance.between(y, x), REL, "FID " + name + " (swapped)");
    }

    @Test
    void frechetDistanceOfASetWithItselfIsZero() {
        FeatureStats a = FeatureStats.of(m.get("fid_regular_x")), s = FeatureStats.of(m.get("fid_singular_x"));
        assertTrue(Math.abs(FrechetDistance.between(a, a)) < 1e-6, "FID(a, a) = " + FrechetDistance.between(a, a));
        assertTrue(Math.abs(FrechetDistance.between(s, s)) < 1e-6, "FID(s, s) of a rank-deficient set = "
                + FrechetDistance.between(s, s));
        assertTrue(Math.abs(value("fid_self_value")) < 1e-6, "the SciPy reference agrees");
    }

    @Test
    void nonFiniteProductFallsBackToOffsetOrFailsClearly() {
        try (Scope s = Scope.open()) {
            FeatureStats a = FeatureStats.of(m.get("fid_regular_x"));
            Tensor nan = a.sigma().clone();
            nan.fill_(new org.bytedeco.pytorch.Scalar(Double.NaN));
            assertTrue(Double.isNaN(FrechetDistance.traceSqrtProduct(nan, a.sigma())),
                    "NaN input is reported as non-finite");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () ->
                    FrechetDistance.between(new FeatureStats(a.mu(), nan), a));
            assertTrue(e.getMessage().contains("not finite"), e.getMessage());
        }
    }

    @Test
    void inceptionScoreMatchesNumpy() {
        assertRel(value("is_value"), InceptionScore.of(m.get("is_logits")), REL, "Inception Score");
        assertEquals(1.0, InceptionScore.of(Torch.zeros(20, 7)), 1e-12, "uniform predictions score 1");
    }

    @Test
    void precisionRecallMatchesNumpy() {
        double[] want = Torch.toDoubles(m.get("pr_value"));
        PrecisionRecall pr = PrecisionRecall.of(m.get("pr_ref"), m.get("pr_sam"));
        assertRel(want[0], pr.precision(), REL, "precision");
        assertRel(want[1], pr.recall(), REL, "recall");
        PrecisionRecall self = PrecisionRecall.of(m.get("pr_ref"), m.get("pr_ref"));
        assertEquals(1.0, self.precision());
        assertEquals(1.0, self.recall());
    }

    @Test
    void precisionRecallIsIndependentOfTheBlockSize() {
        // 180 references and 150 samples fit one default block; blocks of 7 x 11 cut them with ragged edges.
        Tensor ref = m.get("pr_ref"), sam = m.get("pr_sam");
        Tensor sorted = PrecisionRecall.squaredDistances(ref, ref).sort(1, false).get0();
        assertTrue(PrecisionRecall.radii(ref, 3, 7).allclose(sorted.select(1, 3), 1e-12, 1e-12, false),
                "k-th neighbour, self excluded");
        assertEquals(PrecisionRecall.of(ref, sam), PrecisionRecall.of(ref, sam, 3, 7, 11));
    }

    @Test
    void readsAdmReferenceStatistics() throws IOException {
        RefStats ref = RefStats.read(fixture("metrics/adm_ref_deflated.npz"));
        assertTrue(ref.hasImages());
        assertEquals(16, ref.pool().dim());
        assertEquals(7, ref.spatial().dim());
        assertEquals(-7.5 / 8 * 1e-3, ref.pool().mu().select(0, 0).item_double(), 0.0);
        assertEquals(1.0 * 2.0 / 7, ref.pool().sigma().select(0, 0).select(0, 1).item_double(), 0.0,
                "sigma[0][1] = 1·2/7");
        assertEquals(0.1, ref.spatial().sigma().select(0, 6).select(0, 6).item_double(), 0.0);
    }
}
