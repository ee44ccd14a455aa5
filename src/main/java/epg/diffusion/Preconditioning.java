// Spec §1: the network-input scaling c_in and the time condition c(σ), both of the shifted σ.
package epg.diffusion;

public final class Preconditioning {
    private Preconditioning() {}

    /** c_in = 1/sqrt(σ² + σ_data²). */
    public static double cIn(double sigmaShifted) {
        return 1 / Math.sqrt(sigmaShifted * sigmaShifted + KarrasGrid.SIGMA_DATA * KarrasGrid.SIGMA_DATA);
    }

    /** c(σ) = 1000·¼·ln(σ), guarded as ln(σ + 1e-44). */
    public static double timeCondition(double sigmaShifted) {
        return 250 * Math.log(sigmaShifted + 1e-44);
    }
}
