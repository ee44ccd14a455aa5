// Spec §4: stage 2a as a Stage: x-prediction with σ snapped to the 1280-point grid, weights 1/(σ_i − σ_{i+1}), label dropout.
package epg.train;

import epg.data.Batch;
import epg.data.BatchTensors;
import epg.diffusion.Preconditioning;
import epg.diffusion.SnappedLognormal;
import epg.dist.Distributed;
import epg.loss.DenoisingLoss;
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
 * Per step and sample: z ~ N(0, 1) → grid index i of σ = exp(P_mean + P_std·z), t = σ_i·s, ε ~ N(0, I),
 * label → unconditional with probability p; loss = mean_b w_i·mean_pixels((F(c_in·(x + ε·t), c(t), y) − x)²).
 * The horizontal flip is the loader's (fine-tuning mode).
 */
public final class DiffusionStage implements Stage {
    /** Heun grid points of the preview grids (34 network calls). */
    public static final int PREVIEW_POINTS = 18;

    private final FinetuneConfig cfg;
    private final FinetunedModel net;
    private final Preconditioning precond;
    private final Rng noise;
    private final BatchDraws draws;

    public DiffusionStage(FinetuneConfig cfg) throws IOException { this(cfg, Distributed.single()); }

    /** Rank {@code group.rank()} of a data-parallel run: every draw is taken for the global batch (docs/distributed.md). */
    public DiffusionStage(FinetuneConfig cfg, Distributed group) throws IOException {
        if (cfg.task() != Task.DIFFUSION) throw new IllegalArgumentException("DiffusionStage needs task DIFFUSION");
        Torch.init();
        this.cfg = cfg;
        this.net = new FinetunedModel(cfg);
        this.precond = new Preconditioning(Preconditioning.Kind.DIFFUSION, cfg.model().shift());
        this.noise = new Rng(Rng.derive(cfg.seed(), 2));
        this.draws = new BatchDraws(noise, group);
    }

    public FinetunedModel net() { return net; }

    @Override public Map<String, Module> modules() { return net.modules(); }

    @Override public Map<String, Tensor> trainable() { return net.online().namedParameters(); }

    @Override public Map<String, Rng> generators() { return Map.of("noise", noise); }

    @Override
    public Loss loss(Batch batch, long step) {
        BatchTensors bt = BatchTensors.of(batch);
        int b = batch.size();
        double shift = cfg.model().shift();
        SnappedLognormal levels = cfg.noise();
        double[] z = draws.normals(b), t = new double[b], w = new double[b];
        for (int k = 0; k < b; k++) {
            int i = levels.index(z[k]);
            t[k] = levels.sigma(i) * shift;
            w[k] = levels.weight(i, shift);
        }
        Device device = net.device();
        Tensor eps = draws.normals(batch.shape()).to(device, ScalarType.Float);                            // [B, C, H, W]
        Tensor labels = LabelDropout.apply(bt.labels(), draws.uniforms(b), cfg.labelDropout(), cfg.model().numClasses()).to(device, ScalarType.Long); // [B]
        Tensor x = bt.clean().to(device, ScalarType.Float), sigma = Torch.fromDoubles(t, b).to(device, ScalarType.Float); // [B, C, H, W], [B]
        Tensor xt = x.add(eps.mul(sigma.reshape(b, 1, 1, 1)));                                             // [B, C, H, W]
        Tensor denoised = precond.denoise(net.online()::forward, xt, sigma, labels);                        // [B, C, H, W]
        Tensor perSample = DenoisingLoss.perSample(denoised, x, Torch.fromDoubles(w, b).to(device, ScalarType.Float)); // [B]
        Map<String, Double> values = new LinkedHashMap<>();
        values.put("sigma_mean", java.util.Arrays.stream(t).average().orElse(0));
        return new Loss(perSample.mean(), Map.of(), values);
    }

    @Override public void afterStep(long step) { net.updateEma(); }

    @Override
    public void export(RunDir dir, long step) throws IOException {
        net.export(dir, step);
        int every = cfg.run().previewEvery();
        if (every > 0 && step % every == 0 || step == cfg.schedule().steps())
            net.preview(dir, step, new Heun(), PREVIEW_POINTS);
    }
}
