// Helpers shared by the tests: fixture paths and tensor comparisons.
package epg;

import epg.tensor.Torch;
import org.bytedeco.pytorch.Tensor;

import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

public final class TestSupport {
    private TestSupport() {}

    public static Path fixture(String relative) {
        return Path.of("src/test/resources/fixtures").resolve(relative);
    }

    /** Largest absolute difference over the largest absolute expected value. */
    public static double relativeError(Tensor actual, Tensor expected) {
        assertArrayEquals(Torch.shape(expected), Torch.shape(actual), "shape");
        float[] a = Torch.toFloats(actual), e = Torch.toFloats(expected);
        double diff = 0, scale = 0;
        for (int i = 0; i < a.length; i++) {
            diff = Math.max(diff, Math.abs(a[i] - e[i]));
            scale = Math.max(scale, Math.abs(e[i]));
        }
        return diff / scale;
    }

    public static void assertClose(Tensor actual, Tensor expected, double relTol, String what) {
        double err = relativeError(actual, expected);
        assertTrue(err <= relTol, what + ": relative error " + err + " > " + relTol + " (shape " + Arrays.toString(Torch.shape(expected)) + ")");
    }
}
