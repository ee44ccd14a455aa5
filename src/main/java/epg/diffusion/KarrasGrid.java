// Spec §1 (Karras grid): σ_i = (σ_max^(1/ρ) + i/(N−1)·(σ_min^(1/ρ) − σ_max^(1/ρ)))^ρ, largest first, times shift s.
package epg.diffusion;

import epg.tensor.Scope;
import epg.tensor.Torch;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import java.util.Locale;

/**
 * The Karras noise grid of {@code n} points in shifted units: {@code sigma(0) = σ_max·s}, {@code sigma(n−1) = σ_min·s}.
 * In double precision (the default) the formula is also evaluable one past the end ({@code i = n}), where a loss
 * weight needs σ_{i+1}. With {@code float32} the grid is computed as the released sampler computes it in torch
 * (a float32 linspace ramp, the formula and the shift in float32 tensor arithmetic), so that a trajectory of the
 * released code is reproduced to float rounding; its points are the float32 values, read as doubles.
 *
 * @param n       grid points, ≥ 2
 * @param shift   the resolution shift s
 * @param float32 compute the points in float32 as torch does (sampling only; indices 0 … n−1)
 */
public record KarrasGrid(int n, double shift, boolean float32) {
    public static final double SIGMA_MIN = 0.002, SIGMA_MAX = 80, RHO = 7, SIGMA_DATA = 0.5;

    public KarrasGrid {
        if (n < 2) throw new IllegalArgumentException("a Karras grid needs at least 2 points, got " + n);
        if (!(shift > 0)) throw new IllegalArgumentException("the resolution shift must be > 0, got " + shift);
    }

    /** The grid in double precision. */
    public KarrasGrid(int n, double shift) { this(n, shift, false); }

    /** "float64" (false) or "float32" (true), the values of {@code --grid-precision}. */
    public static boolean parseFloat32(String precision) {
        return switch (precision.toLowerCase(Locale.ROOT)) {
            case "float32" -> true;
            case "float64" -> false;
            default -> throw new IllegalArgumentException("unknown grid precision '" + precision
                    + "'; use float64 or float32");
        };
    }

    /** Unshifted σ_i of an {@code n}-point grid, for 0 ≤ i ≤ n, in double precision. */
    public static double unshifted(int i, int n) {
        if (i < 0 || i > n) throw new IllegalArgumentException("grid index " + i + " outside 0.." + n);
        double hi = Math.pow(SIGMA_MAX, 1 / RHO), lo = Math.pow(SIGMA_MIN, 1 / RHO);
        return Math.pow(hi + (double) i / (n - 1) * (lo - hi), RHO);
    }

    /** Shifted σ_i·s: for 0 ≤ i ≤ n in double precision, for 0 ≤ i &lt; n in float32. */
    public double sigma(int i) {
        if (!float32) return unshifted(i, n) * shift;
        if (i < 0 || i >= n) throw new IllegalArgumentException("grid index " + i + " outside 0.." + (n - 1));
        return sigmas()[i];
    }

    /** All n shifted points, largest first. */
    public double[] sigmas() {
        if (float32) return torchSigmas(n, shift);
        double[] out = new double[n];
        for (int i = 0; i < n; i++) out[i] = sigma(i);
        return out;
    }

    /**
     * x_T = ε·σ_0 for unit noise ε [B, C, H, W]; in float32, (ε·σ_max)·s as the released sampler scales it.
     */
    public Tensor start(Tensor noise) {
        if (!float32) return noise.mul(new Scalar(sigma(0)));                                     // [B, C, H, W]
        return noise.mul(new Scalar(SIGMA_MAX)).mul(new Scalar(shift));                          // [B, C, H, W]
    }

    /** torch's float32 grid: (σ_max^(1/ρ) + linspace(0, 1, n)·(σ_min^(1/ρ) − σ_max^(1/ρ)))^ρ · s. */
    private static double[] torchSigmas(int n, double shift) {
        Torch.init();
        try (Scope s = Scope.open()) {
            double hi = Math.pow(SIGMA_MAX, 1 / RHO), lo = Math.pow(SIGMA_MIN, 1 / RHO);
            Tensor ramp = torch.linspace(new Scalar(0.0), new Scalar(1.0), n,
                    Torch.options(torch.ScalarType.Float));                                           // [n]
            Tensor grid = ramp.mul(new Scalar(lo - hi)).add(new Scalar(hi)).pow(new Scalar(RHO))
                    .mul(new Scalar(shift));                                                           // [n]
            return Torch.toDoubles(grid.to(torch.ScalarType.Double));
        }
    }
}
