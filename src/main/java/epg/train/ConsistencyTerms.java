// Spec §5 (stage 2b, ECT consistency fine-tuning): the settings only the consistency task reads.
package epg.train;

import epg.config.Flattened;
import epg.diffusion.EctTimePair;
import epg.loss.PseudoHuber;
import epg.loss.RcmAuxLoss;

import java.util.Arrays;

/**
 * @param timePair     the ECT (t, r) sampler (stage length 100k released)
 * @param huberC       pseudo-Huber constant c (0.06)
 * @param auxWeight    weight of the auxiliary RCM loss (1; 0 = off, the default from scratch: there is no encoder)
 * @param auxTau       its NT-Xent temperature (0.1)
 * @param lrMilestones steps at which the learning rate drops ({400k, 500k}; none for diffusion, which decays by cosine)
 * @param lrValues     the learning rates from each milestone on ({3e-5, 8e-6})
 */
public record ConsistencyTerms(EctTimePair timePair, double huberC, double auxWeight, double auxTau,
                               long[] lrMilestones, double[] lrValues) implements Flattened {
    public ConsistencyTerms {
        if (timePair == null) throw new IllegalArgumentException("the time-pair settings are required");
        if (!(huberC > 0)) throw new IllegalArgumentException("pseudo-Huber c must be > 0, got " + huberC);
        if (!(auxWeight >= 0) || !(auxTau > 0))
            throw new IllegalArgumentException("aux weight must be >= 0 and aux tau > 0");
        if (lrMilestones == null || lrValues == null || lrMilestones.length != lrValues.length)
            throw new IllegalArgumentException("one learning rate per milestone");
        for (double v : lrValues)
            if (!(v > 0))
                throw new IllegalArgumentException("milestone learning rates must be > 0: "
                        + Arrays.toString(lrValues));
        lrMilestones = lrMilestones.clone();
        lrValues = lrValues.clone();
    }

    /** The released terms with the auxiliary loss at {@code auxWeight} and no learning-rate milestones. */
    public static ConsistencyTerms released(double auxWeight) {
        return new ConsistencyTerms(EctTimePair.released(), PseudoHuber.C, auxWeight, RcmAuxLoss.TAU, new long[0],
                new double[0]);
    }

    @Override
    public long[] lrMilestones() { return lrMilestones.clone(); }

    @Override
    public double[] lrValues() { return lrValues.clone(); }

    public ConsistencyTerms withTimePair(EctTimePair timePair) {
        return new ConsistencyTerms(timePair, huberC, auxWeight, auxTau, lrMilestones, lrValues);
    }

    public ConsistencyTerms withHuberC(double huberC) {
        return new ConsistencyTerms(timePair, huberC, auxWeight, auxTau, lrMilestones, lrValues);
    }

    public ConsistencyTerms withAuxWeight(double auxWeight) {
        return new ConsistencyTerms(timePair, huberC, auxWeight, auxTau, lrMilestones, lrValues);
    }

    public ConsistencyTerms withAuxTau(double auxTau) {
        return new ConsistencyTerms(timePair, huberC, auxWeight, auxTau, lrMilestones, lrValues);
    }

    /** Step-wise learning rates: {@code lrValues[i]} from step {@code lrMilestones[i]} on. */
    public ConsistencyTerms withMilestones(long[] lrMilestones, double[] lrValues) {
        return new ConsistencyTerms(timePair, huberC, auxWeight, auxTau, lrMilestones, lrValues);
    }
}
