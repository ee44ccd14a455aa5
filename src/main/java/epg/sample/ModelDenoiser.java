// Spec §6 with §1/§4/§5: D(x, σ, y) from an EPG model through its preconditioning, clamped to [−1, 1] for sampling.
package epg.sample;

import epg.config.ModelConfig;
import epg.diffusion.Preconditioning;
import epg.nn.EpgModel;
import epg.nn.ModelFile;
import epg.tensor.Checkpoints;
import epg.tensor.Devices;
import epg.tensor.Scope;
import epg.tensor.TensorSource;
import epg.tensor.Torch;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * An EPG network in evaluation mode as a {@link Denoiser}; every call runs without gradients. Its output is clamped to
 * [−1, 1] as a sampler sees it; {@link #raw()} is the same network unclamped (what {@link Guidance} combines).
 */
public final class ModelDenoiser implements Denoiser {
    private final EpgModel model;
    private final Preconditioning preconditioning;
    private final Denoiser network;
    private final Map<String, String> metadata;
    private final boolean perImage, clamped;
    private final String device;

    /** The denoiser of a model, on the device its tensors are on. */
    public ModelDenoiser(EpgModel model, Preconditioning.Kind kind) {
        this(model, new Preconditioning(kind, model.config.shift()), Map.of(), false, true, deviceOf(model));
    }

    /** "cpu" or "cuda:i": where the model's first parameter is. */
    private static String deviceOf(EpgModel model) {
        var d = model.namedParameters().values().iterator().next().device();
        return d.is_cuda() ? "cuda:" + Math.max(0, d.index()) : "cpu";
    }

    private ModelDenoiser(EpgModel model, Preconditioning preconditioning, Map<String, String> metadata,
                          boolean perImage, boolean clamped, String device) {
        this.model = model;
        this.device = device;
        this.preconditioning = preconditioning;
        this.network = Denoiser.of(preconditioning, model::forward);
        this.metadata = metadata;
        this.perImage = perImage;
        this.clamped = clamped;
        model.eval();
    }

    /**
     * The same denoiser evaluating the network one image at a time. A matrix product's rounding depends on how many
     * rows it has (the batch), so batched results differ from run to run in the last bits (~1e-7, a few pixels by one
     * level after a sampler); one image per call makes every image bit-identical whatever the batch, at some speed.
     */
    public ModelDenoiser batchInvariant() {
        return new ModelDenoiser(model, preconditioning, metadata, true, clamped, device);
    }

    /**
     * The same denoiser on {@code device} ("cpu", "cuda", "cuda:1"): the model's tensors move there (in place, so
     * every denoiser of this model follows). The CUDA path is written but untested on a GPU.
     */
    public ModelDenoiser to(String device) {
        Devices.check(device);
        model.to(Torch.device(device));
        return new ModelDenoiser(model, preconditioning, metadata, perImage, clamped, device);
    }

    @Override
    public String device() { return device; }

    /** The same denoiser without the clamp: D(x, σ, y) as the preconditioned network gives it. */
    @Override
    public ModelDenoiser raw() { return new ModelDenoiser(model, preconditioning, metadata, perImage, false, device); }

    /**
     * Loads an EPG model file (strictly: every key must match). {@code config} supplies the shape of files that carry
     * none; {@code kind} null means the file's "parameterisation" metadata, else {@code fallback}.
     */
    public static ModelDenoiser load(Path file, ModelConfig config, Preconditioning.Kind kind,
                                     Preconditioning.Kind fallback) throws IOException {
        try (TensorSource c = Checkpoints.open(file)) {
            ModelConfig cfg = config != null ? config : ModelFile.config(c, file);
            if (cfg == null)
                throw new IllegalArgumentException(file + " carries no configuration: name "
                        + "its preset (--preset, e.g. EPG-XL/16) or its architecture (--config ARCH_JSON)");
            if (cfg.kind() != ModelConfig.Kind.EPG)
                throw new IllegalArgumentException(file + " holds " + cfg.name() + ", not an EPG model");
            EpgModel m = new EpgModel(cfg);
            m.load(c, true);
            Preconditioning.Kind k = kind != null ? kind : Preconditioning.kindOf(c.metadata(), fallback);
            return new ModelDenoiser(m, new Preconditioning(k, cfg.shift()), c.metadata(), false, true, "cpu");
        }
    }

    /** The model file's string metadata (empty for a model built in memory). */
    public Map<String, String> metadata() { return metadata; }

    public EpgModel model() { return model; }

    public Preconditioning preconditioning() { return preconditioning; }

    @Override
    public Tensor denoise(Tensor x, Tensor sigma, Tensor labels) {
        long b = x.size(0);
        if (!perImage || b == 1) return denoiseBatch(x, sigma, labels);
        try (Scope s = Scope.open()) {
            TensorVector parts = new TensorVector();
            for (long i = 0; i < b; i++) {
                Tensor image = x.narrow(0, i, 1);                                                    // [1, C, H, W]
                parts.push_back(denoiseBatch(image, sigma.narrow(0, i, 1), labels.narrow(0, i, 1)));
            }
            return Scope.keep(torch.cat(parts));                                                      // [B, C, H, W]
        }
    }

    private Tensor denoiseBatch(Tensor x, Tensor sigma, Tensor labels) {
        // One scope per call: a sampler makes dozens of calls per batch, and each forward's activations (hundreds of MB
        // at batch 32) would otherwise live until the batch ends (15 GB for Heun-32 on EPG-T).
        try (NoGradGuard g = new NoGradGuard(); Scope s = Scope.open()) {
            Tensor d = network.denoise(x, sigma, labels).to(x.scalar_type());                    // [B, C, H, W]
            return Scope.keep(clamped ? Denoiser.clampUnit(d) : d);
        }
    }
}
