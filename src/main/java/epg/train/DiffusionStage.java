// Spec §4: stage 2a as a Stage: x-prediction, σ snapped to the 1280-point grid, weights 1/(σ_i − σ_{i+1}), dropout.
package epg.train;

import epg.data.Batch;
import epg.data.BatchTensors;
import epg.dist.Distributed;
import epg.loss.DiffusionLoss;
import epg.nn.Module;
import epg.sample.Heun;
import epg.tensor.Rng;
import epg.tensor.Torch;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Per step: standard normals for the noise levels, ε and the label-dropout uniforms, drawn in this order for the
 * global batch, then {@link DiffusionLoss}; loss = mean_b w_i·mean_pixels((F(c_in·(x + ε·t), c(t), y) − x)²).
 * The horizontal flip is the loader's (fine-tuning mode).
 */
public final class DiffusionStage implements Stage {
    /** Heun grid points of the preview grids (34 network calls). */
    public static final int PREVIEW_POINTS = 18;

    private final FinetuneConfig cfg;
    private final FinetunedModel net;
    private final DiffusionLoss loss;
    private final Rng noise;
    private final BatchDraws draws;

    public DiffusionStage(FinetuneConfig cfg) throws IOException { this(cfg, Distributed.single()); }

    /**
     * Rank {@code group.rank()} of a data-parallel run: every draw is taken for the global batch (docs/distributed.md).
     */
    public DiffusionStage(FinetuneConfig cfg, Distributed group) throws IOException {
        if (cfg.task() != Task.DIFFUSION) throw new IllegalArgumentException("DiffusionStage needs task DIFFUSION");
        Torch.init();
        this.cfg = cfg;
        this.net = new FinetunedModel(cfg);
        this.loss = new DiffusionLoss(net.online()::forward, cfg.noise(), cfg.model().shift());
        this.noise = new Rng(Rng.derive(cfg.seed(), 2));
        this.draws = new BatchDraws(noise, group);
    }

    public FinetunedModel net() { return net; }

    @Override public Map<String, Module> modules() { return net.modules(); }

    @Override public Map<String, Tensor> trainable() { return net.trainable(); }

    @Override public Map<String, Double> lrScales() { return cfg.lrScales(trainable().keySet()); }

    @Override public Map<String, Rng> generators() { return Map.of("noise", noise); }

    @Override
    public Loss loss(Batch batch, long step) {
        BatchTensors bt = BatchTensors.of(batch);
        int b = batch.size();
        DiffusionLoss.Levels levels = loss.levels(draws.normals(b));
        Device device = net.device();
        // [B, C, H, W]
        Tensor eps = draws.normals(batch.shape()).to(device, ScalarType.Float);
        Tensor labels = LabelDropout.apply(bt.labels(), draws.uniforms(b), cfg.labelDropout(), cfg.model().numClasses())
                .to(device, ScalarType.Long);                                                     // [B]
        Tensor x = bt.clean().to(device, ScalarType.Float);                                       // [B, C, H, W]
        Tensor perSample = loss.perSample(x, eps, labels, levels);                                // [B]
        Map<String, Double> values = new LinkedHashMap<>();
        values.put("sigmaMean", java.util.Arrays.stream(levels.t()).average().orElse(0));
        return new Loss(perSample.mean(), Map.of(), values);
    }

    @Override public void afterStep(long step) { net.updateEma(); }

    @Override
    public void export(RunDir dir, long step) throws IOException {
        net.export(dir, step);
        if (net.previewDue(step)) net.preview(dir, step, new Heun(), PREVIEW_POINTS);
    }

    @Override
    public boolean exported(RunDir dir, long step) { return net.exported(dir, step); }
}
