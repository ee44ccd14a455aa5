// docs/distributed.md: gradient buckets are packed in order up to the size limit; one process leaves gradients alone.
package epg.dist;

import epg.tensor.Scope;
import epg.tensor.Torch;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class GradientAveragerTest {
    @Test
    void bucketsHoldConsecutiveParametersUpToTheLimit() {
        try (Scope s = Scope.open()) {
            // float32 sizes 40, 40, 100, 8 bytes with a 80-byte limit: [40 40] [100] [8]
            List<Tensor> ps = List.of(Torch.zeros(10), Torch.zeros(10), Torch.zeros(25), Torch.zeros(2));
            assertEquals(3, new GradientAverager(Distributed.single(), ps, 80).buckets());
            assertEquals(1, new GradientAverager(Distributed.single(), ps).buckets());
        }
    }

    @Test
    void oneProcessKeepsItsGradients() {
        try (Scope s = Scope.open()) {
            Tensor w = Torch.fromFloats(new float[]{1, 2}, 2);
            w.requires_grad_(true);
            w.mul(Torch.scalar(3)).sum().backward();
            new GradientAverager(Distributed.single(), List.of(w)).average();
            assertArrayEquals(new float[]{3, 3}, Torch.toFloats(w.grad()), 0f);
        }
    }
}
