// Spec §1, §4, §5: c_in, c(σ), c_skip, c_out at hand-computed points; D(x, σ_min·s) = x for a consistency model.
package epg.diffusion;

import epg.tensor.Rng;
import epg.tensor.Scope;
import epg.tensor.Torch;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class PreconditioningTest {
    @Test
    void coefficientsMatchHandComputation() {
        assertEquals(0.6324555320336759, Preconditioning.cIn(1.5), 1e-15);       // 1/sqrt(2.25 + 0.25)
        assertEquals(2.0, Preconditioning.cIn(0), 1e-15);
        assertEquals(250.0, Preconditioning.timeCondition(Math.E), 1e-12);
        assertEquals(-250 * Math.log(4), Preconditioning.timeCondition(0.25), 1e-12);
        assertEquals(0.5, Preconditioning.cSkip(0.502, 1), 1e-15);               // 0.25/(0.5² + 0.25)
        assertEquals(0.3528469923239136, Preconditioning.cOut(0.502, 1), 1e-15); // 0.5·0.5/sqrt(0.502² + 0.25)
        assertEquals(1.0, Preconditioning.cSkip(0.008, 4), 0);
        assertEquals(0.0, Preconditioning.cOut(0.008, 4), 0);
        assertEquals(0.25 / (1.992 * 1.992 + 0.25), Preconditioning.cSkip(2.0, 4), 1e-15);
    }

    @Test
    void tensorCoefficientsEqualScalarOnes() {
        try (Scope s = Scope.open()) {
            double[] sigma = {0.008, 0.5, 2.0, 320};
            Tensor t = Torch.fromDoubles(sigma, 4);
            double[] cin = Torch.toDoubles(Preconditioning.cIn(t)),
                    c = Torch.toDoubles(Preconditioning.timeCondition(t)),
                    skip = Torch.toDoubles(Preconditioning.cSkip(t, 4)),
                            out = Torch.toDoubles(Preconditioning.cOut(t, 4));
            for (int i = 0; i < 4; i++) {
                assertEquals(Preconditioning.cIn(sigma[i]), cin[i], 1e-14);
                assertEquals(Preconditioning.timeCondition(sigma[i]), c[i], 1e-11);
                assertEquals(Preconditioning.cSkip(sigma[i], 4), skip[i], 1e-14);
                assertEquals(Preconditioning.cOut(sigma[i], 4), out[i], 1e-14);
            }
        }
    }

    @Test
    void diffusionNetworkSeesScaledInputAndTimeCondition() {
        try (Scope s = Scope.open()) {
            Tensor x = Torch.fromFloats(new float[]{1, -2, 3, 4, 5, 6, 7, 8}, 2, 1, 2, 2);
            Tensor sigma = Torch.fromFloats(new float[]{1.5f, 0.25f}, 2);
            Tensor[] seen = new Tensor[2];
            Tensor d = new Preconditioning(Preconditioning.Kind.DIFFUSION, 1).denoise((xs, c, y) -> {
                seen[0] = xs;
                seen[1] = c;
                return xs.mul(new Scalar(10.0));
            }, x, sigma, Torch.fromLongs(new long[]{0, 1}, 2));
            float[] xs = Torch.toFloats(seen[0]), dd = Torch.toFloats(d);
            assertEquals(1 / Math.sqrt(2.5), xs[0], 1e-6);
            assertEquals(-2 / Math.sqrt(2.5), xs[1], 1e-6);
            assertEquals(5 / Math.sqrt(0.3125), xs[4], 1e-5);      // 1/sqrt(0.25² + 0.5²)
            assertEquals(10 / Math.sqrt(2.5), dd[0], 1e-5);
            assertArrayEquals(new float[]{(float) (250 * Math.log(1.5)), (float) (-250 * Math.log(4))},
                    Torch.toFloats(seen[1]), 1e-4f);
        }
    }

    @Test
    void consistencyBoundaryReturnsTheInputExactlyForAnyNetworkOutput() {
        try (Scope s = Scope.open()) {
            Rng rng = new Rng(7);
            for (double shift : new double[]{0.5, 1, 4, 8}) {
                // [B, C, H, W]
                Tensor x = torch.randn(new long[]{3, 3, 4, 4}, rng.optional(), Torch.options(torch.ScalarType.Float));
                Tensor sigma = torch.full(new long[]{3}, new Scalar(0.002 * shift),
                        Torch.options(torch.ScalarType.Float));
                Preconditioning p = new Preconditioning(Preconditioning.Kind.CONSISTENCY, shift);
                Tensor d = p.denoise((xs, c, y) -> xs.mul(new Scalar(1e4)).add(new Scalar(123.0)), x, sigma,
                        Torch.fromLongs(new long[]{0, 0, 0}, 3));
                assertArrayEquals(Torch.toFloats(x), Torch.toFloats(d), 0f, "shift " + shift);
            }
        }
    }

    @Test
    void consistencyAwayFromTheBoundaryMixesInputAndNetwork() {
        try (Scope s = Scope.open()) {
            Tensor x = Torch.fromFloats(new float[]{2}, 1, 1, 1, 1);
            Tensor d = new Preconditioning(Preconditioning.Kind.CONSISTENCY, 1)
                    .denoise((xs, c, y) -> torch.ones_like(xs),
                    x, Torch.fromFloats(new float[]{0.502f}, 1), Torch.fromLongs(new long[]{0}, 1));
            assertEquals(2 * 0.5 + 0.3528469923239136, Torch.toFloats(d)[0], 1e-6); // c_skip·x + c_out·1
        }
    }
}
