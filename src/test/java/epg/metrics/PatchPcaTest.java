// Figures 5/6: the PCA of patch tokens on synthetic tokens whose principal components are known.
package epg.metrics;

import epg.tensor.Scope;
import epg.tensor.Torch;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class PatchPcaTest {
    /** Orthonormal directions in 5 dimensions (the third along an axis). */
    private static final double[][] U = {
            {0.5, 0.5, 0.5, 0.5, 0},
            {3 / Math.sqrt(12), -1 / Math.sqrt(12), -1 / Math.sqrt(12), -1 / Math.sqrt(12), 0},
            {0, 0, 0, 0, 1}};
    /** Zero-mean, mutually orthogonal ±1 patterns over 8 tokens: the coefficients along U (scaled 3, 2, 1). */
    private static final int[][] H = {
            {1, 1, 1, 1, -1, -1, -1, -1},
            {1, 1, -1, -1, 1, 1, -1, -1},
            {1, -1, 1, -1, 1, -1, 1, -1}};
    private static final double[] SCALE = {3, 2, 1}, MEAN = {1, -2, 0.5, 4, 3};

    /** token i = mean + Σ_k SCALE_k·H_k(i)·U_k: covariance eigenvalues 9·8/7, 4·8/7, 1·8/7 along U_0, U_1, U_2. */
    private static Tensor tokens() {
        double[] t = new double[8 * 5];
        for (int i = 0; i < 8; i++)
            for (int d = 0; d < 5; d++) {
                double v = MEAN[d];
                for (int k = 0; k < 3; k++) v += SCALE[k] * H[k][i] * U[k][d];
                t[i * 5 + d] = v;
            }
        return Torch.fromDoubles(t, 8, 5);
    }

    @Test
    void theComponentsAreTheKnownDirectionsInOrderOfVariance() {
        try (Scope s = Scope.open()) {
            PatchPca pca = PatchPca.fit(tokens());
            double[] mean = Torch.toDoubles(pca.mean()), comp = Torch.toDoubles(pca.components());
            for (int d = 0; d < 5; d++) assertEquals(MEAN[d], mean[d], 1e-12);
            for (int k = 0; k < 3; k++) {
                double dot = 0;
                for (int d = 0; d < 5; d++) dot += comp[k * 5 + d] * U[k][d];
                assertEquals(1.0, Math.abs(dot), 1e-9, "component " + k);
            }
            // sign rule: the largest-magnitude entry is positive
            assertEquals(0.5, comp[0], 1e-9);
            assertEquals(3 / Math.sqrt(12), comp[5], 1e-9);
            assertEquals(1.0, comp[14], 1e-9);
            assertEquals(9 / 14.0, pca.variance()[0], 1e-9);
            assertEquals(4 / 14.0, pca.variance()[1], 1e-9);
            assertEquals(1 / 14.0, pca.variance()[2], 1e-9);
        }
    }

    @Test
    void projectionsAndColoursFollowTheCoefficients() {
        try (Scope s = Scope.open()) {
            PatchPca pca = PatchPca.fit(tokens());
            double[] proj = Torch.toDoubles(pca.project(tokens())), rgb = Torch.toDoubles(pca.rgb(tokens()));
            for (int i = 0; i < 8; i++)
                for (int k = 0; k < 3; k++) {
                    assertEquals(SCALE[k] * H[k][i], proj[i * 3 + k], 1e-9, "token " + i + " component " + k);
                    // each component spans [−SCALE, SCALE]: colour = (H + 1)/2, 0 or 1
                    assertEquals((H[k][i] + 1) / 2.0, rgb[i * 3 + k], 1e-9, "token " + i + " colour " + k);
                }
            double[] outside = Torch.toDoubles(pca.rgb(Torch.fromDoubles(new double[]{11, 8, 11, 14, 3}, 1, 5)));
            assertEquals(1.0, outside[0], 0, "colours clamp to [0, 1]");
        }
    }

    @Test
    void tooFewTokensOrDimensionsAreRefused() {
        try (Scope s = Scope.open()) {
            assertThrows(IllegalArgumentException.class, () -> PatchPca.fit(Torch.zeros(1, 5)));
            assertThrows(IllegalArgumentException.class, () -> PatchPca.fit(Torch.zeros(8, 2)));
        }
    }
}
