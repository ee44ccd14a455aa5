// The release's autoguidance: clamp(D + s·(D − D_poor)) of the raw predictions, two network evaluations per call.
package epg.sample;

import epg.tensor.Scope;
import epg.tensor.Torch;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class AutoguidanceTest {
    /** A network whose raw prediction is fixed; its clamped view clamps, as ModelDenoiser does. */
    private record Fixed(float[] values, boolean clamped) implements Denoiser {
        @Override
        public Tensor denoise(Tensor x, Tensor sigma, Tensor labels) {
            Tensor t = Torch.fromFloats(values, 1, 1, 1, values.length);
            return clamped ? Denoiser.clampUnit(t) : t;
        }

        @Override
        public Denoiser raw() { return new Fixed(values, false); }
    }

    private static final float[] MAIN = {0.9f, 1.2f, -0.5f, 0.2f}, POOR = {0.5f, 1.4f, -1.5f, 0.2f};

    @Test
    void theRawPredictionsAreCombinedThenClamped() {
        try (Scope s = Scope.open()) {
            Denoiser d = new Autoguidance(new Fixed(MAIN, true), new Fixed(POOR, true), 1.0);
            Tensor x = Torch.zeros(1, 1, 1, 4), labels = Torch.zeros(1);
            // D + (D − D_poor) = [1.3, 1.0, 0.5, 0.2] → clamp → [1, 1, 0.5, 0.2]; combining the clamped
            // predictions would give [1.3, 1.0, 0.0, 0.2] → [1, 1, 0, 0.2] (the third value tells them apart)
            assertArrayEquals(new float[]{1f, 1f, 0.5f, 0.2f}, Torch.toFloats(d.denoise(x, 1.0, labels)), 1e-6f);
            assertArrayEquals(new float[]{1.3f, 1.0f, 0.5f, 0.2f}, Torch.toFloats(d.raw().denoise(x, 1.0, labels)),
                    1e-6f);
            Denoiser half = new Autoguidance(new Fixed(MAIN, true), new Fixed(POOR, true), 0.5);
            // D + 0.5·(D − D_poor) = [1.1, 1.1, 0.0, 0.2]
            assertArrayEquals(new float[]{1.1f, 1.1f, 0.0f, 0.2f}, Torch.toFloats(half.raw().denoise(x, 0.1, labels)),
                    1e-6f);
        }
    }

    @Test
    void guidanceAtWeightOneLeavesItAloneAndCountsBothNetworks() {
        try (Scope s = Scope.open()) {
            Denoiser d = new Autoguidance(new Fixed(MAIN, true), new Fixed(POOR, true), 1.0);
            Guidance g = new Guidance(d, 1, Guidance.RELEASED_LOW, Guidance.RELEASED_HIGH, 1, 4);
            Tensor x = Torch.zeros(1, 1, 1, 4), labels = Torch.zeros(1);
            assertArrayEquals(new float[]{1f, 1f, 0.5f, 0.2f}, Torch.toFloats(g.denoise(x, 1.0, labels)), 1e-6f);
            g.denoise(x, 50.0, labels);
            assertEquals(4, g.evaluations(), "two calls of two networks");
            assertThrows(IllegalArgumentException.class, () -> new Autoguidance(d, d, 0));
        }
    }
}
