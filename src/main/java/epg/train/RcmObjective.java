// Spec §3 (stage 1, RCM pre-training): the loss terms, their temperature and the momentum encoder.
package epg.train;

import epg.config.Flattened;
import epg.diffusion.TemperatureSchedule;

/**
 * @param temperature     consistency temperature schedule: "constant" (released) or "cosine" (paper)
 * @param tauMax          τ_max, the temperature at σ_max at step 0 (the paper's τ₂; 0 in the file = the schedule's
 *                        default: 0.1 constant, 0.2 cosine)
 * @param tauMin          τ_min, the temperature at σ_min and where the cosine ends (τ₁; 0 in the file = 0.1)
 * @param momentum        EMA rate of the momentum encoder (0.99)
 * @param momentumBuffers also EMA the BatchNorm running statistics into the momentum encoder (off: the released
 *                        behaviour, where the momentum network stays in eval mode on its initial statistics 0/1)
 * @param contrastive     include the contrastive term (on; off: Table 12c's "w/o contrast" ablation)
 * @param consistency     include the representation-consistency term (on; off: the contrastive-only encoder of
 *                        Appendix E, whose representation collapses at high noise)
 */
public record RcmObjective(String temperature, double tauMax, double tauMin, double momentum,
                           boolean momentumBuffers, boolean contrastive, boolean consistency) implements Flattened {
    /** The released objective: constant temperature 0.1, momentum 0.99 without buffers, both terms. */
    public static final RcmObjective RELEASED = new RcmObjective("constant", 0, 0, 0.99, false, true, true);

    public RcmObjective {
        TemperatureSchedule t = TemperatureSchedule.of(temperature, tauMax, tauMin);
        tauMax = t.tauMax();
        tauMin = t.tauMin();
        if (!(momentum >= 0 && momentum < 1))
            throw new IllegalArgumentException("momentum must be in [0, 1), got " + momentum);
        if (!contrastive && !consistency)
            throw new IllegalArgumentException("both loss terms are off: drop --no-contrastive or --no-consistency");
    }

    public TemperatureSchedule temperatureSchedule() { return TemperatureSchedule.of(temperature, tauMax, tauMin); }

    /** Another schedule, with its default temperatures. */
    public RcmObjective withTemperature(String temperature) {
        return new RcmObjective(temperature, 0, 0, momentum, momentumBuffers, contrastive, consistency);
    }

    /** τ_max and τ_min of this schedule (0: the schedule's default). */
    public RcmObjective withTau(double tauMax, double tauMin) {
        return new RcmObjective(temperature, tauMax, tauMin, momentum, momentumBuffers, contrastive, consistency);
    }

    public RcmObjective withMomentum(double momentum) {
        return new RcmObjective(temperature, tauMax, tauMin, momentum, momentumBuffers, contrastive, consistency);
    }

    public RcmObjective withMomentumBuffers(boolean momentumBuffers) {
        return new RcmObjective(temperature, tauMax, tauMin, momentum, momentumBuffers, contrastive, consistency);
    }

    /** Which loss terms are on (at least one). */
    public RcmObjective withTerms(boolean contrastive, boolean consistency) {
        return new RcmObjective(temperature, tauMax, tauMin, momentum, momentumBuffers, contrastive, consistency);
    }
}
