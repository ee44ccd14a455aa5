// Spec §3 (stage 1, RCM pre-training): the loss terms, their temperature and the momentum encoder.
package epg.train;

import epg.config.Flattened;
import epg.diffusion.TemperatureSchedule;

/**
 * @param temperature     consistency temperature schedule: "constant" (τ_max = 0.1, released) or "cosine" (paper)
 * @param momentum        EMA rate of the momentum encoder (0.99)
 * @param momentumBuffers also EMA the BatchNorm running statistics into the momentum encoder (off: the released
 *                        behaviour, where the momentum network stays in eval mode on its initial statistics 0/1)
 * @param contrastive     include the contrastive term (on; off: Table 12c's "w/o contrast" ablation)
 * @param consistency     include the representation-consistency term (on; off: the contrastive-only encoder of
 *                        Appendix E, whose representation collapses at high noise)
 */
public record RcmObjective(String temperature, double momentum, boolean momentumBuffers, boolean contrastive,
                           boolean consistency) implements Flattened {
    /** The released objective: constant temperature, momentum 0.99 without buffers, both terms. */
    public static final RcmObjective RELEASED = new RcmObjective("constant", 0.99, false, true, true);

    public RcmObjective {
        TemperatureSchedule.parse(temperature);
        if (!(momentum >= 0 && momentum < 1))
            throw new IllegalArgumentException("momentum must be in [0, 1), got " + momentum);
        if (!contrastive && !consistency)
            throw new IllegalArgumentException("both loss terms are off: drop --no-contrastive or --no-consistency");
    }

    public TemperatureSchedule temperatureSchedule() { return TemperatureSchedule.parse(temperature); }

    public RcmObjective withTemperature(String temperature) {
        return new RcmObjective(temperature, momentum, momentumBuffers, contrastive, consistency);
    }

    public RcmObjective withMomentum(double momentum) {
        return new RcmObjective(temperature, momentum, momentumBuffers, contrastive, consistency);
    }

    public RcmObjective withMomentumBuffers(boolean momentumBuffers) {
        return new RcmObjective(temperature, momentum, momentumBuffers, contrastive, consistency);
    }

    /** Which loss terms are on (at least one). */
    public RcmObjective withTerms(boolean contrastive, boolean consistency) {
        return new RcmObjective(temperature, momentum, momentumBuffers, contrastive, consistency);
    }
}
