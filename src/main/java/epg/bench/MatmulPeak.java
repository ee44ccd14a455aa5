// The CPU's measured matmul throughput, the yardstick for achieved GFLOP/s in benchmark reports.
package epg.bench;

import epg.tensor.Scope;
import epg.tensor.Torch;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

public final class MatmulPeak {
    private MatmulPeak() {}

    /** GFLOP/s of an n×n by n×n product in {@code dtype} (2n³ flops per product), best of a few runs. */
    public static double gflops(int n, ScalarType dtype) {
        try (Scope s = Scope.open()) {
            Tensor a = torch.randn(n, n).to(dtype), b = torch.randn(n, n).to(dtype);
            StepTimer.Timing t = StepTimer.time(2, 5, () -> { try (Scope inner = Scope.open()) { a.matmul(b); } });
            return 2.0 * n * n * n / (t.minMs() / 1e3) / 1e9;
        }
    }

    static { Torch.init(); }
}
