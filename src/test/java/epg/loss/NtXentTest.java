// Spec §3 NT-Xent: hand-computed cases, an independent double-precision loop, the gather hook and float32 output.
package epg.loss;

import epg.tensor.Rng;
import epg.tensor.Scope;
import epg.tensor.Torch;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class NtXentTest {
    @Test
    void handComputedIdentityCase() {
        try (Scope s = Scope.open()) {
            // rows are normalised first: f = diag(3, 2) → I; logits = I; τ = (0.5, 1)
            Tensor f = Torch.fromFloats(new float[]{3, 0, 0, 2}, 2, 2),
                    g = Torch.fromFloats(new float[]{1, 0, 0, 1}, 2, 2);
            float[] loss = Torch.toFloats(NtXent.perSample(f, g, Torch.fromFloats(new float[]{0.5f, 1f}, 2)));
            assertEquals(Math.log(Math.exp(2) + 1) - 2, loss[0], 1e-6); // = log(1 + e^−2) = 0.126928
            assertEquals(Math.log(Math.E + 1) - 1, loss[1], 1e-6);      // = log(1 + e^−1) = 0.313262
        }
    }

    @Test
    void handComputedObliqueCase() {
        try (Scope s = Scope.open()) {
            // f0 = (1, 1)/√2, g0 = (1, 0), g1 = (0, 1): logits row 0 = (1/√2, 1/√2) → loss_0 = log 2 at any τ
            // f1 = (0, 1): logits row 1 = (0, 1), τ = 0.2 → loss_1 = log(e^0 + e^5) − 5
            Tensor f = Torch.fromFloats(new float[]{1, 1, 0, 1}, 2, 2),
                    g = Torch.fromFloats(new float[]{1, 0, 0, 1}, 2, 2);
            float[] loss = Torch.toFloats(NtXent.perSample(f, g, Torch.fromFloats(new float[]{0.3f, 0.2f}, 2)));
            assertEquals(Math.log(2), loss[0], 1e-6);
            assertEquals(Math.log(1 + Math.exp(5)) - 5, loss[1], 1e-6);
        }
    }

    @Test
    void matchesAnIndependentDoubleLoop() {
        try (Scope s = Scope.open()) {
            Rng rng = new Rng(7);
            int b = 5, e = 7;
            Tensor f = torch.randn(new long[]{b, e}, rng.optional(), Torch.options(ScalarType.Float));
            Tensor g = torch.randn(new long[]{b, e}, rng.optional(), Torch.options(ScalarType.Float));
            float[] tau = {0.1f, 0.15f, 0.2f, 0.5f, 1f};
            Tensor out = NtXent.perSample(f, g, Torch.fromFloats(tau, b));
            assertEquals(ScalarType.Float.value, out.scalar_type().value, "float32 output");
            assertArrayEquals(new long[]{b}, Torch.shape(out));
            double[] expected = reference(Torch.toFloats(f), Torch.toFloats(g), tau, b, e);
            float[] actual = Torch.toFloats(out);
            for (int i = 0; i < b; i++) assertEquals(expected[i], actual[i], 1e-5, "sample " + i);
        }
    }

    @Test
    void gatheredNegativesComeAfterTheLocalBlock() {
        try (Scope s = Scope.open()) {
            // one local sample f = g = (1, 0); a "remote" rank contributes (0, 1): loss = log(e^{1/τ} + e^0) − 1/τ
            Tensor f = Torch.fromFloats(new float[]{1, 0}, 1, 2), g = Torch.fromFloats(new float[]{1, 0}, 1, 2);
            Tensor remote = Torch.fromFloats(new float[]{0, 1}, 1, 2);
            NtXent.Gather gather = local -> torch.cat(new org.bytedeco.pytorch.TensorVector(local, remote), 0);
            float[] loss = Torch.toFloats(NtXent.perSample(f, g, Torch.fromFloats(new float[]{0.25f}, 1), gather));
            assertEquals(Math.log(Math.exp(4) + 1) - 4, loss[0], 1e-6);
            // with the identity hook there are no negatives: loss = 0
            assertEquals(0, Torch.toFloats(NtXent.perSample(f, g, Torch.fromFloats(new float[]{0.25f}, 1)))[0], 1e-6);
        }
    }

    /** Plain double loops: normalise, logits, logsumexp − diagonal. */
    private static double[] reference(float[] f, float[] g, float[] tau, int b, int e) {
        double[][] fn = rows(f, b, e), gn = rows(g, b, e);
        double[] out = new double[b];
        for (int i = 0; i < b; i++) {
            double[] z = new double[b];
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < b; j++) {
                double dot = 0;
                for (int d = 0; d < e; d++) dot += fn[i][d] * gn[j][d];
                z[j] = dot / tau[i];
                max = Math.max(max, z[j]);
            }
            double sum = 0;
            for (double v : z) sum += Math.exp(v - max);
            out[i] = max + Math.log(sum) - z[i];
        }
        return out;
    }

    private static double[][] rows(float[] x, int b, int e) {
        double[][] r = new double[b][e];
        for (int i = 0; i < b; i++) {
            double n = 0;
            for (int d = 0; d < e; d++) n += (double) x[i * e + d] * x[i * e + d];
            n = Math.sqrt(n);
            for (int d = 0; d < e; d++) r[i][d] = x[i * e + d] / n;
        }
        return r;
    }
}
