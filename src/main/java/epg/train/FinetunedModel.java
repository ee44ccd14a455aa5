// Spec §4–§5: the EPG network from a pre-trained encoder or from scratch, its 0.9999 EMA, previews and model file.
package epg.train;

import epg.data.Normalization;
import epg.data.ImageDecoder;
import epg.diffusion.Preconditioning;
import epg.nn.EpgModel;
import epg.nn.Init;
import epg.nn.LoadReport;
import epg.nn.Module;
import epg.nn.ModelFile;
import epg.nn.PosEmbed;
import epg.sample.ImageGrid;
import epg.sample.Labels;
import epg.sample.ModelDenoiser;
import epg.sample.SampleOptions;
import epg.sample.SampleRun;
import epg.sample.Sampler;
import epg.tensor.Checkpoints;
import epg.tensor.Safetensors;
import epg.tensor.Rng;
import epg.tensor.Scope;
import epg.data.BatchTensors;
import org.bytedeco.pytorch.Tensor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.LongStream;

/**
 * The online network (training mode) and its EMA copy (evaluation mode, no gradients), which is what sampling
 * reads: {@value #MODEL_FILE} holds the EMA weights, the configuration and the metadata "parameterisation",
 * "normalization", "step" and "stage".
 */
public final class FinetunedModel {
    public static final String MODEL_FILE = "model.safetensors", PREVIEWS = "previews";
    /**
     * The checkpoint's module files: ONLINE.safetensors (training weights) and EMA.safetensors (what sampling reads).
     */
    public static final String ONLINE = "online", EMA = "ema";
    /** Images in a preview grid (seeds 0 … 63, labels cycling through the classes). */
    public static final int PREVIEW_IMAGES = 64;

    private final FinetuneConfig cfg;
    private final EpgModel online, ema;
    private final Ema average;
    private final LoadReport initReport;

    public FinetunedModel(FinetuneConfig cfg) throws IOException {
        this.cfg = cfg;
        this.online = new EpgModel(cfg.model());
        Init.epg(online, new Rng(Rng.derive(cfg.seed(), 1)));
        this.initReport = cfg.init().equals(FinetuneConfig.SCRATCH) ? null : loadEncoder(online, Path.of(cfg.init()));
        if (cfg.encoder().freezeEncoder()) freezeEncoder(online);
        online.train(true);
        this.ema = new EpgModel(cfg.model());
        ema.load(online.stateDict(), true);
        ema.eval();
        this.average = new Ema(online, ema, cfg.ema(), true);
    }

    /**
     * Loads a pre-trained encoder non-strictly into {@code model} (pos_embed resized to its grid): the projector is
     * dropped, the decoder and class table keep their initialisation. Fails when no encoder weight matched.
     */
    public static LoadReport loadEncoder(EpgModel model, Path file) throws IOException {
        if (!Files.isRegularFile(file))
            throw new IllegalArgumentException("encoder file " + file + " does not exist; pass a stage-1 run's "
                + "encoder.safetensors, a released RCM checkpoint, or 'scratch'");
        LoadReport r;
        try (Safetensors.Contents c = Checkpoints.read(file)) {
            Map<String, Tensor> sd = new LinkedHashMap<>(c.tensors());
            PosEmbed.fit(sd, model);
            r = model.load(sd, false);
        }
        if (!r.mismatched().isEmpty() || r.loaded().stream().noneMatch(k -> k.startsWith("blocks.")))
            throw new IllegalArgumentException(file + " does not fit " + model.config.name() + " as its encoder: " + r
                    + ". Use the encoder of a pre-training run of the same width and depth (e.g. RCM-T for EPG-T)");
        return r;
    }

    public EpgModel online() { return online; }

    /** The parameters the optimiser updates: all of the online network's but a frozen encoder's. */
    public Map<String, Tensor> trainable() {
        Map<String, Tensor> out = new LinkedHashMap<>(online.namedParameters());
        if (cfg.encoder().freezeEncoder()) out.keySet().removeIf(EncoderTraining::inEncoder);
        return out;
    }

    /** The encoder's parameters stop requiring gradients: backward ends at the decoder, nothing updates them. */
    private static void freezeEncoder(EpgModel model) {
        model.namedParameters().forEach((name, p) -> { if (EncoderTraining.inEncoder(name)) p.requires_grad_(false); });
    }

    public EpgModel ema() { return ema; }

    /** What loading the encoder did (null when training from scratch). */
    public LoadReport initReport() { return initReport; }

    /** The modules a training state holds. */
    public Map<String, Module> modules() {
        Map<String, Module> m = new LinkedHashMap<>();
        m.put(ONLINE, online);
        m.put(EMA, ema);
        return m;
    }

    public void updateEma() { average.update(); }

    /** Where the online network's weights live (the Trainer moves the modules for --device). */
    public org.bytedeco.pytorch.Device device() { return online.namedParameters().values().iterator().next().device(); }

    /** Writes the EMA model file (atomically). */
    public void export(RunDir dir, long step) throws IOException {
        ModelFile.save(dir.file(MODEL_FILE), ema, metadata(cfg, step));
    }

    /** Whether a checkpoint at {@code step} gets a preview: every --preview-every steps and at the last step. */
    public boolean previewDue(long step) {
        int every = cfg.run().previewEvery();
        return every > 0 && step % every == 0 || step == cfg.schedule().steps();
    }

    /** Whether the model file of {@code step} is there, with the step's preview when one is due. */
    public boolean exported(RunDir dir, long step) {
        return ModelFile.step(dir.file(MODEL_FILE)).equals(java.util.OptionalLong.of(step))
                && (!previewDue(step) || Files.isRegularFile(previewFile(dir, step)));
    }

    /**
     * The model file's metadata besides the configuration: "parameterisation", "normalization", "step", "stage", and
     * "classNames" (the dataset's, joined by {@link epg.sample.GridSheet#NAME_SEPARATOR}) when the data is a named
     * dataset with as many classes as the model.
     */
    public static Map<String, String> metadata(FinetuneConfig cfg, long step) {
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put(Preconditioning.METADATA_KEY, cfg.task().id());
        Normalization norm = Normalization.parse(cfg.source().normalization()).forChannels(cfg.model().channels());
        meta.put("normalization", norm.name().toLowerCase());
        meta.put("step", Long.toString(step));
        meta.put("stage", cfg.task().id());
        java.util.List<String> names = epg.data.DatasetRegistry.classNames(cfg.source().data());
        if (names.size() == cfg.model().numClasses())
            meta.put(epg.sample.GridSheet.CLASS_NAMES, String.join(epg.sample.GridSheet.NAME_SEPARATOR, names));
        return meta;
    }

    private static Path previewFile(RunDir dir, long step) {
        return dir.file(PREVIEWS).resolve(String.format("step-%07d.png", step));
    }

    /**
     * previews/step-N.png: the EMA model's samples of seeds 0 … 63 (Heun 18 points for diffusion, one step for
     * consistency).
     */
    public Path preview(RunDir dir, long step, Sampler sampler, int gridPoints) throws IOException {
        Path file = previewFile(dir, step);
        Files.createDirectories(file.getParent());
        Normalization norm = Normalization.parse(cfg.source().normalization()).forChannels(cfg.model().channels());
        SampleRun run = SampleRun.of(new ModelDenoiser(ema, cfg.task().kind()), norm, new SampleOptions(sampler,
                gridPoints, 1, epg.sample.Guidance.RELEASED_LOW, epg.sample.Guidance.RELEASED_HIGH, PREVIEW_IMAGES));
        long[] seeds = LongStream.range(0, PREVIEW_IMAGES).toArray();
        int[] labels = Labels.balanced(PREVIEW_IMAGES, cfg.model().numClasses());
        try (Scope s = Scope.open()) {
            ImageDecoder.writePng(ImageGrid.of(BatchTensors.toImages(run.batch(seeds, labels, run.guidance()), norm)),
                    file);
        }
        return file;
    }
}
