// Spec §5: one stage-2b training step as the Trainer runs it (loss with aux RCM term, AdamW, EMA) on a synthetic batch.
package epg.bench;

import epg.config.ModelConfig;
import epg.config.ModelSize;
import epg.config.Presets;
import epg.data.DatasetRegistry;
import epg.dist.Distributed;
import epg.nn.Init;
import epg.nn.RcmEncoder;
import epg.tensor.Rng;
import epg.train.ConsistencyStage;
import epg.train.FinetuneConfig;
import epg.train.Task;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The real {@link ConsistencyStage} from scratch with the released settings: ECT time pair (t, r) at stage 1, one ε
 * for both points, decoder dropout 0.5 with the online pass's masks replayed for the no-grad target, pseudo-Huber
 * c = 0.06 weighted 1/(t − r), auxiliary NT-Xent (τ 0.1, weight 1) through a frozen, randomly initialised RCM
 * encoder with projector of the same width and depth (RCM-T for EPG-T, RCM-B/16 for EPG-B/16; evaluation mode, no
 * weight gradients), AdamW (0.9, 0.99, wd 0.03), no clipping (the norm is measured), EMA 0.9999. The PyTorch twin is
 * the "consistency" case of scripts/bench/torch_suite.py.
 */
public final class ConsistencyStep implements Runnable {
    /**
     * EPG forward-pass equivalents per image: the online pass with gradient (forward + backward ≈ 3 forwards) and
     * the no-grad target pass (1).
     */
    public static final int EPG_FORWARDS_PER_IMAGE = 4;
    /**
     * Frozen-RCM forward-pass equivalents per image: the pass on D(x_t) (1) whose backward only carries the gradient
     * to its input, since the frozen weights take none (≈ 1 more forward: one matmul per Linear instead of two), and
     * the no-grad pass on the clean image (1).
     */
    public static final int RCM_FORWARDS_PER_IMAGE = 3;

    private final StageStep step;

    public ConsistencyStep(ModelConfig model, int batchSize, boolean bf16, long seed) {
        FinetuneConfig d = FinetuneConfig.defaults(Task.CONSISTENCY, model, DatasetRegistry.DEFAULT,
                FinetuneConfig.SCRATCH,
                batchSize, 600_000);
        // the defaults from scratch turn the auxiliary loss off (there is no file): on, with a random encoder
        FinetuneConfig cfg = d.withRcm("random RCM encoder").withConsistency(d.consistency().withAuxWeight(1));
        RcmEncoder frozen = new RcmEncoder(frozenConfig(model));
        Init.rcm(frozen, new Rng(Rng.derive(seed, 7)));
        ConsistencyStage stage;
        try {
            stage = new ConsistencyStage(cfg, Distributed.single(), frozen);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.step = new StageStep(stage, cfg.trainerSettings().adam(),
                PretrainStep.synthetic(batchSize, model.channels(), model.imageSize(), seed, false),
                bf16, cfg.optimiser().lr(), cfg.clipNorm());
    }

    /**
     * The RCM preset of the same width and depth as an EPG preset (EPG-T → RCM-T, EPG-B/16 → RCM-B/16), with its
     * attention kernel.
     */
    public static ModelConfig frozenConfig(ModelConfig epg) {
        if (!epg.name().startsWith("EPG-"))
            throw new IllegalArgumentException("the consistency benchmark needs an EPG preset, got " + epg.name());
        ModelConfig rcm = Presets.get("RCM-" + epg.name().substring(4));
        if (rcm.dim() != epg.dim() || rcm.depth() != epg.depth() || rcm.imageSize() != epg.imageSize())
            throw new IllegalStateException(rcm.name() + " does not match " + epg.name() + "'s encoder");
        return rcm.withFusedAttention(epg.fusedAttention());
    }

    /** Work of one step in GFLOP (2 flops per multiply-accumulate): 4 EPG and 3 RCM forward equivalents per image. */
    public static double gflop(ModelConfig epg, int batch) {
        return 2 * batch * (EPG_FORWARDS_PER_IMAGE * ModelSize.gflops(epg)
                + RCM_FORWARDS_PER_IMAGE * ModelSize.gflops(frozenConfig(epg)));
    }

    @Override
    public void run() { step.run(); }
}
