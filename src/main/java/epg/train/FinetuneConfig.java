// Spec §4 (stage 2a, diffusion) and §5 (stage 2b, consistency): every fine-tuning setting, resolved and validated; the run's config.json.
package epg.train;

import epg.config.ModelConfig;
import epg.data.Loader;
import epg.data.Normalization;
import epg.diffusion.EctTimePair;
import epg.diffusion.SnappedLognormal;
import epg.loss.PseudoHuber;
import epg.loss.RcmAuxLoss;
import epg.tensor.Precision;

import java.util.Arrays;
import java.util.Locale;
import java.util.Set;

/**
 * An immutable fine-tuning configuration. Defaults (see {@link #defaults}) are the released code's values unless
 * noted. Unlike pre-training, the learning rate is absolute (not scaled by batch/1024).
 *
 * @param task            DIFFUSION (x-prediction, spec §4) or CONSISTENCY (ECT, spec §5)
 * @param model           the EPG network, already sized for the data (dropout included: 0.5 for consistency)
 * @param data            "fashion-mnist" (IDX files, padded 28 → 32 px) or a dataset folder
 * @param normalization   pixel normalisation for RGB data: "imagenet" (released) or "simple"; grey data uses "simple"
 * @param init            "scratch" (the paper's baseline) or an encoder file: a stage-1 run's encoder.safetensors, a
 *                        released RCM checkpoint (.pth/.safetensors); its projector is dropped, the decoder initialised
 * @param rcm             consistency only: the frozen RCM encoder with projector for the auxiliary loss (default: init)
 * @param batch           global batch size (1024 in the paper)
 * @param steps           K, total optimiser steps
 * @param lr              peak learning rate, absolute (1e-4)
 * @param beta1           AdamW β1 (0.9)
 * @param beta2           AdamW β2 (0.999 diffusion; 0.99 consistency)
 * @param weightDecay     AdamW weight decay (0.01 diffusion; 0.03 consistency released, 0.01 in the paper's table)
 * @param warmup          linear warm-up steps (10k)
 * @param lrMilestones    consistency: steps at which the learning rate drops ({400k, 500k}); diffusion: unused (cosine)
 * @param lrValues        consistency: the learning rates from each milestone on ({3e-5, 8e-6})
 * @param clipNorm        gradient-norm clipping after warm-up (0.5 diffusion; 0 = off, consistency)
 * @param ema             EMA rate of the sampling weights (0.9999)
 * @param labelDropout    probability of replacing a label by the unconditional class (0.1 diffusion, 0 consistency)
 * @param noise           diffusion: σ ~ exp(N(−1.2, 1.6)) snapped to the 1280-point grid
 * @param timePair        consistency: the ECT (t, r) sampler (stage length 100k released)
 * @param huberC          consistency: pseudo-Huber constant c (0.06)
 * @param auxWeight       consistency: weight of the auxiliary RCM loss (1; 0 = off)
 * @param auxTau          consistency: its NT-Xent temperature (0.1)
 * @param precision       "fp32" (default), "bf16" (autocast, CPU or CUDA) or "fp16" (autocast with loss scaling, CUDA only)
 * @param device          "cpu" (default) or "cuda[:i]"; a resumed run may change it
 * @param seed            seed of initialisation, noise, dropout and data order (0)
 * @param logEvery        steps per log line (10)
 * @param checkpointEvery steps per checkpoint (1000)
 * @param keepCheckpoints checkpoint directories kept; 0 keeps all (2)
 * @param previewEvery    steps per preview grid of the EMA model in previews/; 0 = only at the end (1000)
 * @param workers         data-loading threads (2)
 * @param threads         libtorch threads; 0 = EPG_THREADS or every core (0)
 */
public record FinetuneConfig(Task task, ModelConfig model, String data, String normalization, String init, String rcm,
                             int batch, long steps, double lr, double beta1, double beta2, double weightDecay, long warmup,
                             long[] lrMilestones, double[] lrValues, double clipNorm, double ema, double labelDropout,
                             SnappedLognormal noise, EctTimePair timePair, double huberC, double auxWeight, double auxTau,
                             String precision, String device, long seed, int logEvery, int checkpointEvery, int keepCheckpoints, int previewEvery,
                             int workers, int threads) {
    public static final String SCRATCH = "scratch";
    public static final double EPS = 1e-8;

    public enum Task {
        DIFFUSION, CONSISTENCY;

        public static Task parse(String s) {
            return switch (s.toLowerCase(Locale.ROOT)) {
                case "diffusion" -> DIFFUSION;
                case "consistency" -> CONSISTENCY;
                default -> throw new IllegalArgumentException("unknown task '" + s + "'; use diffusion or consistency");
            };
        }

        /** The name of the parameterisation a sampler must use ("diffusion" or "consistency"). */
        public String id() { return name().toLowerCase(Locale.ROOT); }
    }

    public FinetuneConfig {
        if (task == null) throw new IllegalArgumentException("task must be diffusion or consistency");
        if (model == null || model.kind() != ModelConfig.Kind.EPG) throw new IllegalArgumentException("fine-tuning needs an EPG preset (e.g. EPG-T, EPG-B/16)");
        if (data == null || data.isBlank()) throw new IllegalArgumentException("data must be 'fashion-mnist' or a dataset folder");
        Normalization.parse(normalization);
        if (init == null || init.isBlank()) throw new IllegalArgumentException("init must be 'scratch' or an encoder file (a stage-1 run's encoder.safetensors)");
        if (task == Task.CONSISTENCY && auxWeight > 0 && rcm == null && init.equals(SCRATCH))
            throw new IllegalArgumentException("the consistency auxiliary loss needs a pre-trained RCM encoder: pass --rcm FILE or --aux-weight 0");
        if (batch < 2) throw new IllegalArgumentException("batch must be >= 2, got " + batch);
        if (steps <= 0) throw new IllegalArgumentException("steps must be > 0, got " + steps);
        if (!(lr > 0)) throw new IllegalArgumentException("lr must be > 0, got " + lr);
        if (!(beta1 >= 0 && beta1 < 1 && beta2 >= 0 && beta2 < 1)) throw new IllegalArgumentException("betas must be in [0, 1)");
        if (!(weightDecay >= 0)) throw new IllegalArgumentException("weight decay must be >= 0, got " + weightDecay);
        if (warmup < 0 || warmup >= steps) throw new IllegalArgumentException("warm-up (" + warmup + ") must be in [0, steps = " + steps + "); pass a smaller --warmup");
        if (lrMilestones == null || lrValues == null || lrMilestones.length != lrValues.length)
            throw new IllegalArgumentException("one learning rate per milestone");
        for (double v : lrValues) if (!(v > 0)) throw new IllegalArgumentException("milestone learning rates must be > 0: " + Arrays.toString(lrValues));
        if (!(clipNorm >= 0)) throw new IllegalArgumentException("clip norm must be >= 0 (0 = off), got " + clipNorm);
        if (!(ema >= 0 && ema < 1)) throw new IllegalArgumentException("EMA rate must be in [0, 1), got " + ema);
        if (!(labelDropout >= 0 && labelDropout <= 1)) throw new IllegalArgumentException("label dropout must be in [0, 1], got " + labelDropout);
        if (noise == null || timePair == null) throw new IllegalArgumentException("noise and time-pair settings are required");
        if (!(huberC > 0)) throw new IllegalArgumentException("pseudo-Huber c must be > 0, got " + huberC);
        if (!(auxWeight >= 0) || !(auxTau > 0)) throw new IllegalArgumentException("aux weight must be >= 0 and aux tau > 0");
        Precision p = Precision.parse(precision == null ? "" : precision);
        if (device == null || !(device.equals("cpu") || device.matches("cuda(:\\d+)?")))
            throw new IllegalArgumentException("device must be cpu, cuda or cuda:N, got '" + device + "'");
        if (p == Precision.FP16 && device.equals("cpu")) throw new IllegalArgumentException("fp16 needs --device cuda; on the CPU use bf16");
        if (logEvery <= 0 || checkpointEvery <= 0 || previewEvery < 0) throw new IllegalArgumentException("log/checkpoint intervals must be > 0, preview >= 0");
        if (keepCheckpoints < 0 || workers <= 0 || threads < 0) throw new IllegalArgumentException("keep >= 0, workers > 0, threads >= 0 required");
        lrMilestones = lrMilestones.clone();
        lrValues = lrValues.clone();
    }

    /**
     * The released settings of a task for a model (consistency: decoder dropout 0.5 applied to the model), data and
     * init (from scratch, the consistency auxiliary loss is off: there is no pre-trained encoder); everything else is adjusted with the {@code with…} methods or the canonical constructor.
     */
    public static FinetuneConfig defaults(Task task, ModelConfig model, String data, String init, int batch, long steps) {
        boolean c = task == Task.CONSISTENCY;
        ModelConfig m = c ? model.withDropout(0.5, model.attnDropout()) : model;
        return new FinetuneConfig(task, m, data, "imagenet", init, null, batch, steps, 1e-4, 0.9, c ? 0.99 : 0.999,
                c ? 0.03 : 0.01, Math.min(10_000, Math.max(0, steps / 60)), c ? new long[]{400_000, 500_000} : new long[0],
                c ? new double[]{3e-5, 8e-6} : new double[0], c ? 0 : 0.5, 0.9999, c ? 0 : 0.1, SnappedLognormal.released(),
                EctTimePair.released(), PseudoHuber.C, init.equals(SCRATCH) ? 0 : 1, RcmAuxLoss.TAU, "fp32", "cpu", 0, 10, 1000, 2, 1000, 2, 0);
    }

    /** The file the auxiliary loss's frozen encoder comes from: rcm, else init. */
    public String rcmFile() { return rcm != null ? rcm : init; }

    public LrSchedule lrSchedule() {
        return task == Task.DIFFUSION ? LrSchedule.cosine(lr, warmup, steps) : LrSchedule.stepwise(lr, warmup, lrMilestones, lrValues);
    }

    public Trainer.Settings trainerSettings() {
        AdamW.Options adam = new AdamW.Options(beta1, beta2, EPS, weightDecay, Set.of());
        return new Trainer.Settings(steps, batch, lrSchedule(), adam, clipNorm, warmup, Precision.parse(precision), device, logEvery, checkpointEvery, keepCheckpoints, 20);
    }

    public Loader.Config loaderConfig() {
        return Loader.Config.of(batch, model.imageSize(), Loader.Mode.FINETUNE, seed).normalization(Normalization.parse(normalization)).threads(workers, 2);
    }
}
