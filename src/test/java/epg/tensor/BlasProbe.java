// BlasTest's child JVM: libtorch's mm, addmm and bmm on integer-valued matrices, and the BLAS libraries mapped.
package epg.tensor;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import java.nio.file.Files;
import java.nio.file.Path;

/** Prints "blas NAME", "exact true|false" and the mapped BLAS library paths. */
public final class BlasProbe {
    static final int M = 70, K = 130, N = 90, B = 3;

    public static void main(String[] args) throws Exception {
        Torch.init();
        boolean exact = true;
        try (Scope s = Scope.open()) {
            float[] a = fill(B * M * K, 7, 3), b = fill(B * K * N, 5, 2), bias = fill(N, 3, 1);
            Tensor ta = Torch.fromFloats(a, B, M, K), tb = Torch.fromFloats(b, B, K, N);             // [B,M,K] [B,K,N]
            Tensor tbias = Torch.fromFloats(bias, N);                                                 // [N]
            float[] mm = Torch.toFloats(ta.select(0, 0).mm(tb.select(0, 0)));                                // [M, N]
            float[] addmm = Torch.toFloats(torch.addmm(tbias, ta.select(0, 1), tb.select(0, 1)));             // [M, N]
            float[] bmm = Torch.toFloats(ta.bmm(tb));  // [B, M, N]
            for (int i = 0; i < M; i++)
                for (int j = 0; j < N; j++) {
                    exact &= mm[i * N + j] == dot(a, b, 0, i, j);
                    exact &= addmm[i * N + j] == dot(a, b, 1, i, j) + bias[j];
                    for (int z = 0; z < B; z++) exact &= bmm[(z * M + i) * N + j] == dot(a, b, z, i, j);
                }
        }
        System.out.println("blas " + Blas.active().label());
        try (Scope s = Scope.open()) { // LAPACK: eigh of a symmetric matrix with known eigenvalues 1..8
            Tensor q = torch.linalg_qr(torch.randn(8, 8).to(torch.ScalarType.Double)).get0();   // [8, 8]
            Tensor d = torch.arange(Torch.scalar(1), Torch.scalar(9)).to(torch.ScalarType.Double); // [8]
            Tensor w = torch.linalg_eigh(q.mul(d.unsqueeze(0)).matmul(q.mT())).get0();          // [8]
            System.out.println("eigh " + (w.sub(d).abs().max().item_double() < 1e-9));
        }
        System.out.println("exact " + exact);
        try (var maps = Files.lines(Path.of("/proc/self/maps"))) {
            maps.map(l -> l.substring(Math.max(0, l.indexOf('/')))).filter(p -> p.matches(".*lib(mkl|openblas).*"))
                    .distinct().forEach(System.out::println);
        }
        System.out.flush();
    }

    /** Small integers in [-5, 5]: every product and every sum of up to K of them is exact in float32. */
    static float[] fill(int n, int p, int q) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (i * p + q * (i / 11)) % 11 - 5;
        return v;
    }

    static float dot(float[] a, float[] b, int z, int i, int j) {
        double sum = 0;
        for (int k = 0; k < K; k++) sum += (double) a[(z * M + i) * K + k] * b[(z * K + k) * N + j];
        return (float) sum;
    }
}
