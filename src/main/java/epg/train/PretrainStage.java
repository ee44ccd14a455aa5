// Spec §3: stage 1 as a Stage: the online and momentum RCM encoders, the noise draws and the RCM loss of one batch.
package epg.train;

import epg.data.Batch;
import epg.data.BatchTensors;
import epg.data.Dataset;
import epg.data.DatasetRegistry;
import epg.diffusion.IctCurriculum;
import epg.diffusion.KarrasGrid;
import epg.diffusion.TemperatureSchedule;
import epg.dist.Distributed;
import epg.loss.NtXent;
import epg.loss.RcmLoss;
import epg.nn.Init;
import epg.nn.Module;
import epg.nn.ModelFile;
import epg.nn.RcmEncoder;
import epg.tensor.Rng;
import epg.tensor.Torch;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The online encoder trains (BatchNorm on batch statistics); the momentum encoder starts as its copy, stays in
 * evaluation mode and changes only through the EMA. Per step: N(k) from the curriculum, one index i ~ U{0 … N−2}
 * and one ε for the whole batch, τ(σ_i) from the temperature schedule.
 * <p>
 * Data parallel (docs/distributed.md): every rank draws i and ε for the <em>global</em> batch from the same seeded
 * generator and keeps its rows of ε; i is also broadcast from rank 0; the NT-Xent targets are gathered from every
 * rank (this rank's block first) and the projector's BatchNorm uses the statistics of the global batch. W processes
 * of batch B therefore compute what one process of batch W·B computes.
 */
public final class PretrainStage implements Stage {
    /** The file the next stage reads: the online encoder with its configuration (ModelFile format). */
    public static final String ENCODER_FILE = "encoder.safetensors";
    /**
     * The checkpoint's module files: ONLINE.safetensors (the encoder the next stage reads) and MOMENTUM.safetensors.
     */
    public static final String ONLINE = "online", MOMENTUM = "momentum";

    private final PretrainConfig cfg;
    private final RcmEncoder online, momentum;
    private final Ema ema;
    private final Rng noise;
    private final IctCurriculum curriculum;
    private final TemperatureSchedule temperature;
    private final RcmLoss loss;
    private final Distributed group;

    /** One process, or rank {@code group.rank()} of a data-parallel run (synchronised BatchNorm, gathered targets). */
    public PretrainStage(PretrainConfig cfg, Distributed group) {
        this(cfg, group, group::allGather);
    }

    public PretrainStage(PretrainConfig cfg, NtXent.Gather gather) { this(cfg, Distributed.single(), gather); }

    private PretrainStage(PretrainConfig cfg, Distributed group, NtXent.Gather gather) {
        Torch.init();
        this.cfg = cfg;
        this.group = group;
        this.online = new RcmEncoder(cfg.model());
        Init.rcm(online, new Rng(Rng.derive(cfg.seed(), 1)));
        online.train(true);
        online.synchronise(group);
        if (cfg.objective().contrastive()) {
            this.momentum = new RcmEncoder(cfg.model());
            momentum.load(online.stateDict(), true);
            momentum.eval();
            this.ema = new Ema(online, momentum, cfg.objective().momentum(), cfg.objective().momentumBuffers());
        } else {
            this.momentum = null;
            this.ema = null;
        }
        this.noise = new Rng(Rng.derive(cfg.seed(), 2));
        this.curriculum = IctCurriculum.of(cfg.schedule().steps());
        this.temperature = cfg.objective().temperatureSchedule();
        RcmObjective o = cfg.objective();
        this.loss = new RcmLoss(online, momentum, cfg.model().shift(), o.contrastive(), o.consistency(), gather);
    }

    public PretrainStage(PretrainConfig cfg) { this(cfg, Distributed.single(), NtXent.Gather.LOCAL); }

    public RcmEncoder online() { return online; }

    /** Null when the contrastive term is off. */
    public RcmEncoder momentum() { return momentum; }

    @Override
    public Map<String, Module> modules() {
        Map<String, Module> m = new LinkedHashMap<>();
        m.put(ONLINE, online);
        if (momentum != null) m.put(MOMENTUM, momentum);
        return m;
    }

    @Override
    public Map<String, Tensor> trainable() { return online.namedParameters(); }

    @Override
    public Map<String, Rng> generators() { return Map.of("noise", noise); }

    @Override
    public Loss loss(Batch batch, long step) {
        org.bytedeco.pytorch.Device device = online.namedParameters().values().iterator().next().device();
        BatchTensors t = BatchTensors.of(batch);
        int n = curriculum.points(step);
        // [1], same on every rank
        Tensor index = torch.randint(n - 1, new long[]{1}, noise.optional(), Torch.options(ScalarType.Long));
        // … and rank 0's wins
        group.broadcast(index);
        int i = (int) index.item_long();
        long[] global = batch.shape().clone();
        global[0] *= group.worldSize();
        Tensor eps = group.slice(torch.randn(global, noise.optional(), Torch.options(ScalarType.Float)))
                .to(device, ScalarType.Float); // [B, C, H, W]
        double tau = temperature.tau(KarrasGrid.unshifted(i, n), step, cfg.schedule().steps());
        RcmLoss.Terms terms = loss.compute(t.view1().to(device, ScalarType.Float),
                t.view2().to(device, ScalarType.Float),
                t.clean().to(device, ScalarType.Float), eps, i, n, tau);
        Map<String, Tensor> logged = new LinkedHashMap<>();
        logged.put("contrastive", terms.contrastive());
        logged.put("consistency", terms.consistency());
        Map<String, Double> values = new LinkedHashMap<>();
        values.put("tauMax", temperature.tauMax(step, cfg.schedule().steps()));
        values.put("noiseLevels", (double) n);
        return new Loss(terms.loss(), logged, values);
    }

    @Override
    public void afterStep(long step) {
        if (ema != null) ema.update();
    }

    @Override
    public void export(RunDir dir, long step) throws IOException {
        ModelFile.save(dir.file(ENCODER_FILE), online, metadata(step));
    }

    @Override
    public boolean exported(RunDir dir, long step) {
        return ModelFile.step(dir.file(ENCODER_FILE)).equals(java.util.OptionalLong.of(step));
    }

    /** The encoder file's metadata besides the configuration. */
    public static Map<String, String> metadata(long step) {
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("stage", "pretrain");
        meta.put("step", Long.toString(step));
        return meta;
    }

    /** The training split of a registered dataset (found or fetched; DatasetRegistry) or of a dataset folder. */
    public static Dataset openData(String data) { return DatasetRegistry.open(data, true); }
}
