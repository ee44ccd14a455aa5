// Spec §5: stage 2b as a Stage: ECT consistency training, one dropout mask for the target, pseudo-Huber, aux RCM.
package epg.train;

import epg.config.ModelConfig;
import epg.data.Batch;
import epg.data.BatchTensors;
import epg.dist.Distributed;
import epg.loss.ConsistencyLoss;
import epg.loss.RcmAuxLoss;
import epg.nn.ModelFile;
import epg.nn.Module;
import epg.nn.RcmEncoder;
import epg.nn.VitEncoder;
import epg.sample.OneStep;
import epg.tensor.Rng;
import epg.tensor.Torch;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Per step: standard normals for the ECT time pairs, ε and the label-dropout uniforms, drawn in this order for the
 * global batch, then {@link ConsistencyLoss}; loss = mean_b [pseudo-Huber(D(x_t), D(x_r))/(t − r)]
 * + λ·mean_b NT(proj W(c_in·D(x_t), t0), proj W(c_in·x, t0)) through the frozen RCM encoder W.
 */
public final class ConsistencyStage implements Stage {
    private final FinetuneConfig cfg;
    private final FinetunedModel net;
    private final ConsistencyLoss loss;
    private final Rng noise, dropout;
    private final BatchDraws draws;

    public ConsistencyStage(FinetuneConfig cfg) throws IOException { this(cfg, Distributed.single()); }

    /**
     * Rank {@code group.rank()} of a data-parallel run: every draw is taken for the global batch and the aux loss's
     * targets are gathered from every rank. Dropout masks are each rank's own, so W processes equal one process of
     * batch W·B in distribution, and exactly only without decoder dropout (docs/distributed.md).
     */
    public ConsistencyStage(FinetuneConfig cfg, Distributed group) throws IOException {
        this(cfg, group,
                checked(cfg).consistency().auxWeight() > 0 ? frozenEncoder(Path.of(cfg.rcmFile()), cfg.model()) : null);
    }

    /**
     * With the frozen RCM encoder given instead of read from {@code cfg.rcmFile()} (the benchmarks use a randomly
     * initialised one); it must be non-null exactly when the auxiliary weight is above 0.
     */
    public ConsistencyStage(FinetuneConfig cfg, Distributed group, RcmEncoder frozen) throws IOException {
        checked(cfg);
        if ((frozen != null) != (cfg.consistency().auxWeight() > 0))
            throw new IllegalArgumentException("the frozen RCM encoder is needed exactly when the aux weight is > 0");
        if (frozen != null) fits(frozen, cfg.model(), frozen.config.name());
        Torch.init();
        this.cfg = cfg;
        this.net = new FinetunedModel(cfg);
        this.noise = new Rng(Rng.derive(cfg.seed(), 2));
        this.dropout = new Rng(Rng.derive(cfg.seed(), 3 + 1000L * group.rank()));
        this.draws = new BatchDraws(noise, group);
        net.online().dropoutGenerator(dropout);
        double shift = cfg.model().shift();
        ConsistencyTerms terms = cfg.consistency();
        RcmAuxLoss aux = frozen == null ? null : new RcmAuxLoss(frozen, shift, terms.auxTau(), group::allGather);
        this.loss = new ConsistencyLoss(net.online()::forward, dropout, terms.timePair(), shift, terms.huberC(), aux);
    }

    private static FinetuneConfig checked(FinetuneConfig cfg) {
        if (cfg.task() != Task.CONSISTENCY)
            throw new IllegalArgumentException("ConsistencyStage needs task CONSISTENCY");
        return cfg;
    }

    /** The pre-trained RCM encoder with its projector, as its file describes it (resized to this resolution). */
    static RcmEncoder frozenEncoder(Path file, ModelConfig model) throws IOException {
        if (!java.nio.file.Files.isRegularFile(file))
            throw new IllegalArgumentException("RCM encoder file " + file
                    + " does not exist; pass --rcm with a stage-1 run's encoder.safetensors");
        VitEncoder loaded = ModelFile.load(file, null, true);
        if (!(loaded instanceof RcmEncoder rcm))
            throw new IllegalArgumentException(file + " holds " + loaded.config.name()
                    + ", not an RCM encoder with projector");
        fits(rcm, model, file.toString());
        return rcm;
    }

    private static void fits(RcmEncoder rcm, ModelConfig model, String what) {
        if (rcm.config.imageSize() != model.imageSize() || rcm.config.channels() != model.channels())
            throw new IllegalArgumentException(what + " was trained at " + rcm.config.imageSize() + " px with "
                    + rcm.config.channels()
                    + " channels; the consistency model is " + model.imageSize() + " px with " + model.channels());
    }

    public FinetunedModel net() { return net; }

    /** The frozen encoder of the auxiliary loss (null when its weight is 0). */
    public RcmEncoder frozen() { return loss.aux() == null ? null : loss.aux().encoder(); }

    @Override public Map<String, Module> modules() { return net.modules(); }

    @Override public Map<String, Tensor> trainable() { return net.trainable(); }

    @Override public Map<String, Double> lrScales() { return cfg.lrScales(trainable().keySet()); }

    @Override public Map<String, Rng> generators() { return Map.of("noise", noise, "dropout", dropout); }

    @Override
    public Loss loss(Batch batch, long step) {
        BatchTensors bt = BatchTensors.of(batch);
        int b = batch.size();
        ConsistencyLoss.Times times = loss.times(draws.normals(b), step);
        Device device = net.device();
        // [B, C, H, W]
        Tensor eps = draws.normals(batch.shape()).to(device, ScalarType.Float);
        Tensor labels = LabelDropout.apply(bt.labels(), draws.uniforms(b), cfg.labelDropout(), cfg.model().numClasses())
                .to(device, ScalarType.Long);                                                     // [B]
        Tensor x = bt.clean().to(device, ScalarType.Float);                                       // [B, C, H, W]
        ConsistencyLoss.Terms perSample = loss.perSample(x, eps, labels, times);
        Tensor huber = perSample.consistency().mean();
        Map<String, Tensor> terms = new LinkedHashMap<>();
        terms.put("consistency", huber);
        Tensor total = huber;
        if (perSample.aux() != null) {
            Tensor a = perSample.aux().mean();
            terms.put("aux", a);
            total = huber.add(a.mul(Torch.scalar(cfg.consistency().auxWeight())));
        }
        Map<String, Double> values = new LinkedHashMap<>();
        values.put("ectStage", (double) cfg.consistency().timePair().stage(step));
        return new Loss(total, terms, values);
    }

    @Override public void afterStep(long step) { net.updateEma(); }

    @Override
    public void export(RunDir dir, long step) throws IOException {
        net.export(dir, step);
        if (net.previewDue(step)) net.preview(dir, step, new OneStep(), 2);
    }

    @Override
    public boolean exported(RunDir dir, long step) { return net.exported(dir, step); }
}
