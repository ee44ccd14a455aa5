// Spec §3–§5 (AdamW, decoupled weight decay): the optimiser settings every training stage shares.
package epg.train;

import epg.config.Flattened;

import java.util.Set;

/**
 * AdamW's settings, validated once for every stage; the stage's configuration documents its released values.
 *
 * @param lr          peak learning rate (pre-training: at batch 1024, scaled linearly to the batch; fine-tuning:
 *                    absolute)
 * @param beta1       AdamW β1, in [0, 1)
 * @param beta2       AdamW β2, in [0, 1)
 * @param weightDecay decoupled weight decay, ≥ 0
 */
public record Optimiser(double lr, double beta1, double beta2, double weightDecay) implements Flattened {
    /** AdamW's ε (1e-8, every stage). */
    public static final double EPS = 1e-8;

    public Optimiser {
        if (!(lr > 0)) throw new IllegalArgumentException("lr must be > 0, got " + lr);
        if (!(beta1 >= 0 && beta1 < 1 && beta2 >= 0 && beta2 < 1))
            throw new IllegalArgumentException("betas must be in [0, 1)");
        if (!(weightDecay >= 0)) throw new IllegalArgumentException("weight decay must be >= 0, got " + weightDecay);
    }

    public Optimiser withLr(double lr) { return new Optimiser(lr, beta1, beta2, weightDecay); }

    public Optimiser withBetas(double beta1, double beta2) { return new Optimiser(lr, beta1, beta2, weightDecay); }

    public Optimiser withWeightDecay(double weightDecay) { return new Optimiser(lr, beta1, beta2, weightDecay); }

    /** AdamW's options; the parameters named in {@code noDecay} are exempt from weight decay. */
    public AdamW.Options adam(Set<String> noDecay) {
        return new AdamW.Options(beta1, beta2, EPS, weightDecay, noDecay);
    }
}
