// Spec §3 "mixed precision with a loss scaler (fp16)": dynamic loss scaling; non-finite steps are skipped.
package epg.train;

/**
 * torch.amp.GradScaler's rule: the loss is multiplied by {@link #scale()} before backward and the gradients divided by
 * it after; a step whose gradients are not finite is skipped and the scale multiplied by {@code backoff}; after
 * {@code growthInterval} finite steps in a row it is multiplied by {@code growth}. The scale is a float32 number, as
 * in GradScaler's update kernel (each product rounded to float32; a growth that would overflow float32 is dropped).
 * Disabled (fp32, bf16): scale 1, never changes.
 */
public final class LossScaler {
    /**
     * The released scaler (train.py, gen_train.py): 2^14, ×2^(1/1000) after every good step (doubling every 1000),
     * ×0.5 on overflow.
     */
    public static final double INIT = 16384, GROWTH = 1.0006933874625807, BACKOFF = 0.5;
    public static final int GROWTH_INTERVAL = 1;

    private final boolean enabled;
    private final double growth, backoff;
    private final int growthInterval;
    private double scale;
    private int goodSteps;

    public LossScaler(boolean enabled, double initScale, double growth, double backoff, int growthInterval) {
        if (!(initScale > 0) || !(growth > 1) || !(backoff > 0 && backoff < 1) || growthInterval <= 0)
            throw new IllegalArgumentException("loss scaler needs scale > 0, growth > 1, 0 < "
                    + "backoff < 1, interval > 0");
        this.enabled = enabled;
        this.growth = growth;
        this.backoff = backoff;
        this.growthInterval = growthInterval;
        this.scale = enabled ? (float) initScale : 1;
    }

    public static LossScaler of(boolean enabled) {
        return new LossScaler(enabled, INIT, GROWTH, BACKOFF, GROWTH_INTERVAL);
    }

    public boolean enabled() { return enabled; }

    /** The factor on the loss for this step's backward (1 when disabled). */
    public double scale() { return scale; }

    /** After the step: {@code finite} = the unscaled gradients (and loss) were finite, i.e. the optimiser stepped. */
    public void update(boolean finite) {
        if (!enabled) return;
        if (!finite) {
            scale = (float) (scale * backoff);
            goodSteps = 0;
        } else if (++goodSteps >= growthInterval) {
            float grown = (float) (scale * growth);
            if (Float.isFinite(grown)) scale = grown;
            goodSteps = 0;
        }
    }

    /** For checkpoints: {scale, good steps in a row}. */
    public double[] state() { return new double[]{scale, goodSteps}; }

    public void restore(double[] state) {
        if (!enabled) return;
        if (state.length != 2 || !(state[0] > 0)) throw new IllegalArgumentException("bad loss-scaler state");
        scale = state[0];
        goodSteps = (int) state[1];
    }
}
