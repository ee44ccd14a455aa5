// Spec §3: every setting of stage 1 (RCM pre-training), resolved and validated; written as the run's config.json.
package epg.train;

import epg.config.ModelConfig;
import epg.data.Loader;
import epg.data.Normalization;
import epg.diffusion.TemperatureSchedule;
import epg.tensor.Precision;

import java.util.Set;

/**
 * An immutable pre-training configuration. Defaults are the released code's values unless noted (the paper's
 * alternatives are selectable).
 *
 * @param model            the RCM network, already sized for the data (imageSize = resolution, channels, classes)
 * @param data             "fashion-mnist" (Debian's IDX files, padded 28 → 32 px) or a dataset folder
 * @param normalization    pixel normalisation for RGB data: "imagenet" (released) or "simple"; grey data uses "simple"
 * @param batch            global batch size
 * @param steps            K, total optimiser steps (600k in the paper)
 * @param lr               peak learning rate at batch 1024 (6e-4), scaled linearly to {@code batch}
 * @param beta1            AdamW β1 (0.9)
 * @param beta2            AdamW β2 (0.95 released; 0.999 in the paper's table)
 * @param weightDecay      AdamW decoupled weight decay (0.03 for S and B, 0.05 for L)
 * @param noDecayTokens    exempt pos_embed and cls_token from weight decay (off)
 * @param warmup           linear warm-up steps before the cosine decay (10k)
 * @param temperature      consistency temperature schedule: "constant" (τ_max = 0.1, released) or "cosine" (paper)
 * @param momentum         EMA rate of the momentum encoder (0.99)
 * @param momentumBuffers  also EMA the BatchNorm running statistics into the momentum encoder (off: the released
 *                         behaviour, where the momentum network stays in eval mode on its initial statistics 0/1)
 * @param contrastive      include the contrastive term (on; off: Table 12c's "w/o contrast" ablation)
 * @param consistency      include the representation-consistency term (on; off: the contrastive-only encoder of
 *                         Appendix E, whose representation collapses at high noise)
 * @param precision        "fp32" (default), "bf16" (autocast, CPU or CUDA) or "fp16" (autocast with loss scaling, CUDA only)
 * @param device           "cpu" (default) or "cuda[:i]"; a resumed run may change it
 * @param seed             seed of initialisation, noise draws and data order (0)
 * @param logEvery         steps per log line (10)
 * @param checkpointEvery  steps per checkpoint (1000)
 * @param keepCheckpoints  checkpoint directories kept, newest first; 0 keeps all (2)
 * @param workers          data-loading threads (2)
 * @param threads          libtorch intra-op threads; 0 = EPG_THREADS or every core (0)
 */
public record PretrainConfig(ModelConfig model, String data, String normalization, int batch, long steps, double lr,
                             double beta1, double beta2, double weightDecay, boolean noDecayTokens, long warmup,
                             String temperature, double momentum, boolean momentumBuffers, boolean contrastive,
                             boolean consistency, String precision,
                             String device, long seed, int logEvery, int checkpointEvery, int keepCheckpoints, int workers, int threads) {
    public static final double LR = 6e-4, BETA1 = 0.9, BETA2 = 0.95, MOMENTUM = 0.99, EPS = 1e-8;
    public static final long WARMUP = 10_000;

    public PretrainConfig {
        if (model == null || model.kind() != ModelConfig.Kind.RCM) throw new IllegalArgumentException("pre-training needs an RCM preset (e.g. RCM-T, RCM-B)");
        if (data == null || data.isBlank()) throw new IllegalArgumentException("data must be 'fashion-mnist' or a dataset folder");
        Normalization.parse(normalization);
        Precision p = Precision.parse(precision == null ? "" : precision);
        if (device == null || !(device.equals("cpu") || device.matches("cuda(:\\d+)?")))
            throw new IllegalArgumentException("device must be cpu, cuda or cuda:N, got '" + device + "'");
        if (p == Precision.FP16 && device.equals("cpu")) throw new IllegalArgumentException("fp16 needs --device cuda; on the CPU use bf16");
        TemperatureSchedule.parse(temperature);
        if (!contrastive && !consistency) throw new IllegalArgumentException("both loss terms are off: drop --no-contrastive or --no-consistency");
        if (batch < 2) throw new IllegalArgumentException("batch must be >= 2 (contrastive negatives, BatchNorm statistics), got " + batch);
        if (steps <= 0) throw new IllegalArgumentException("steps must be > 0, got " + steps);
        if (!(lr > 0)) throw new IllegalArgumentException("lr must be > 0, got " + lr);
        if (!(beta1 >= 0 && beta1 < 1 && beta2 >= 0 && beta2 < 1)) throw new IllegalArgumentException("betas must be in [0, 1)");
        if (!(weightDecay >= 0)) throw new IllegalArgumentException("weight decay must be >= 0, got " + weightDecay);
        if (warmup < 0 || warmup >= steps) throw new IllegalArgumentException("warm-up (" + warmup + ") must be in [0, steps = " + steps + "); pass a smaller --warmup");
        if (!(momentum >= 0 && momentum < 1)) throw new IllegalArgumentException("momentum must be in [0, 1), got " + momentum);
        if (logEvery <= 0 || checkpointEvery <= 0) throw new IllegalArgumentException("log and checkpoint intervals must be > 0");
        if (keepCheckpoints < 0 || workers <= 0 || threads < 0) throw new IllegalArgumentException("keep >= 0, workers > 0, threads >= 0 required");
    }

    /** The released weight decay for a model: 0.05 for width ≥ 1024 (RCM-L), else 0.03. */
    public static double defaultWeightDecay(ModelConfig model) { return model.dim() >= 1024 ? 0.05 : 0.03; }

    /** The paper's warm-up (10k) when it fits, else a sixtieth of the run (10k of 600k). */
    public static long defaultWarmup(long steps) { return Math.min(WARMUP, Math.max(0, steps / 60)); }

    public TemperatureSchedule temperatureSchedule() { return TemperatureSchedule.parse(temperature); }

    /** The peak learning rate at this batch size. */
    public double scaledLr() { return LrSchedule.scaleForBatch(lr, batch); }

    public Trainer.Settings trainerSettings() {
        AdamW.Options adam = new AdamW.Options(beta1, beta2, EPS, weightDecay, noDecayTokens ? Set.of("pos_embed", "cls_token") : Set.of());
        return new Trainer.Settings(steps, batch, LrSchedule.cosine(scaledLr(), warmup, steps), adam, 0, 0, Precision.parse(precision), device,
                logEvery, checkpointEvery, keepCheckpoints, 20);
    }

    public Loader.Config loaderConfig() {
        return Loader.Config.of(batch, model.imageSize(), Loader.Mode.PRETRAIN, seed).normalization(Normalization.parse(normalization)).threads(workers, 2);
    }
}
