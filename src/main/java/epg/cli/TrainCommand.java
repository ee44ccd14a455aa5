// Spec §4 and §5: `epg train --task diffusion|consistency`: fine-tuning into a run directory, resumable.
package epg.cli;

import epg.config.ModelConfig;
import epg.data.Dataset;
import epg.diffusion.EctTimePair;
import epg.diffusion.SnappedLognormal;
import epg.dist.Distributed;
import epg.progress.TrainProgress;
import epg.tensor.Torch;
import epg.train.ConsistencyStage;
import epg.train.ConsistencyTerms;
import epg.train.DiffusionStage;
import epg.train.EmaHorizon;
import epg.train.EncoderTraining;
import epg.train.FinetuneConfig;
import epg.train.FinetunedModel;
import epg.train.Invocation;
import epg.train.Optimiser;
import epg.train.PretrainStage;
import epg.train.RunDir;
import epg.train.Stage;
import epg.train.Task;
import epg.train.TrainState;
import epg.train.Trainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Fine-tunes an EPG model (stage 2): diffusion (x-prediction) or consistency (ECT), from a "
                + "pre-trained RCM encoder or from scratch.",
                "Writes OUT/config.json (the settings, and each invocation's command line, version, commit and "
                        + "machine), log.jsonl, checkpoints/step-N/, model.safetensors (the EMA weights, for `epg "
                        + "sample`) and previews/. Running it again with the same OUT resumes; `--resume OUT` does "
                        + "so without retyping the settings. Options without a default take the released value of "
                        + "the task."},
        footerHeading = "%nExample:%n",
        footer = {"  epg train --task diffusion --init runs/rcm/encoder.safetensors --steps 10000 --batch 128 "
                + "--out runs/diffusion",
                "  epg train --resume runs/diffusion --steps 20000     # continue, extended to 20,000 steps"})
public final class TrainCommand implements Callable<Integer> {
    @Option(names = "--task", description = "diffusion or consistency (required unless --resume).") String task;
    @Option(names = "--preset", description = "EPG preset (default EPG-T; `epg models` lists them).")
    String preset;
    @Option(names = "--config", paramLabel = "ARCH_JSON",
            description = "Architecture JSON instead of --preset (a model file's 'config' fields): any EPG shape; "
                    + "the data still set its resolution, channels and classes.")
    Path config;
    @Option(names = "--init",
            description = "'scratch' or the pre-trained encoder: a stage-1 run's "
                    + "encoder.safetensors or a released RCM checkpoint (required unless --resume).")
    String init;
    @Option(names = "--rcm",
            description = "Consistency: frozen RCM encoder (with projector) of the auxiliary loss (default: --init).")
    String rcm;
    @Bounds(min = 1)
    @Option(names = "--steps", description = "Total optimiser steps K (paper: 1M-2M; required unless --resume, "
            + "where it extends the run).") Long steps;
    @Bounds(above = 0)
    @Option(names = "--lr", description = "Peak learning rate, absolute (default 1e-4).") Double lr;
    @Bounds(min = 0, below = 1)
    @Option(names = "--beta1", description = "AdamW beta1 (default 0.9).") Double beta1;
    @Bounds(min = 0, below = 1)
    @Option(names = "--beta2", description = "AdamW beta2 (default 0.999 diffusion, 0.99 consistency).") Double beta2;
    @Bounds(min = 0)
    @Option(names = "--weight-decay", description = "AdamW weight decay (default 0.01 diffusion, 0.03 consistency).")
    Double weightDecay;
    @Option(names = "--freeze-encoder",
            description = "Keep the pre-trained encoder fixed; train only the decoder, class table and output "
                    + "(Table 13 'Frozen').")
    boolean freezeEncoder;
    @Bounds(min = 0, max = 1)
    @Option(names = "--lrd",
            description = "Layer-wise learning-rate decay of the encoder, 0 = off (default 0; Table 13: 0.5).")
    Double lrd;
    @Option(names = "--lrd-mode", description = "Layers --lrd decays: encoder (released default) or all.")
    String lrdMode;
    @Option(names = "--lr-milestones", paramLabel = "STEP:LR,...",
            description = "Consistency: learning rate LR for the updates after update STEP, as released "
                    + "(default 400000:3e-5,500000:8e-6).")
    String milestones;
    @Bounds(min = 0)
    @Option(names = "--clip",
            description = "Gradient-norm clipping after warm-up, 0 = off (default 0.5 diffusion, 0 consistency).")
    Double clip;
    @Bounds(min = 0, below = 1)
    @Option(names = "--ema", description = "EMA rate of the sampling weights (default 0.9999).") Double ema;
    @Bounds(min = 0, max = 1)
    @Option(names = "--label-dropout",
            description = "Probability of the unconditional label (default 0.1 diffusion, 0 consistency).")
    Double labelDropout;
    @Bounds(min = 0, below = 1)
    @Option(names = "--dropout",
            description = "Decoder dropout after attention (default 0 diffusion, 0.5 consistency).")
    Double dropout;
    @Bounds
    @Option(names = "--p-mean", description = "Mean of ln sigma (default -1.2 diffusion, -0.4 consistency).")
    Double pMean;
    @Bounds(above = 0)
    @Option(names = "--p-std", description = "Std of ln sigma (default 1.6).") Double pStd;
    @Option(names = "--loss-weight",
            description = "Diffusion: grid = 1/(sigma_i - sigma_i+1) (released) or edm "
                    + "((t^2 + 0.25)/(0.5 t)^2) (default grid).")
    String lossWeight;
    @Bounds(min = 0)
    @Option(names = "--loss-weight-floor",
            description = "Diffusion: unshifted sigma below which every level weighs what this one weighs, 0 = off "
            + "(released); e.g. 0.5 for short runs (default 0).")
    Double weightFloor;
    @Bounds(min = 1)
    @Option(names = "--ect-stage", description = "Consistency: steps per ECT stage, d0 = d1 (default 100000).")
    Long ectStage;
    @Bounds(above = 0)
    @Option(names = "--huber-c", description = "Consistency: pseudo-Huber c (default 0.06).") Double huberC;
    @Bounds(min = 0)
    @Option(names = "--aux-weight", description = "Consistency: weight of the auxiliary RCM loss, 0 = off (default 1).")
    Double auxWeight;
    @Bounds(above = 0)
    @Option(names = "--aux-tau", description = "Consistency: temperature of the auxiliary NT-Xent (default 0.1).")
    Double auxTau;
    @Mixin RunOptions run;
    @Mixin ComputeOptions compute;
    @Mixin ParallelOptions parallel;
    @Spec CommandSpec spec;
    @Bounds(min = 0)
    @Option(names = "--preview-every", defaultValue = "1000",
            description = "Preview grid at checkpoints whose step is a multiple of this, 0 = "
                    + "only at the end (default ${DEFAULT-VALUE}).")
    int previewEvery;

    @Override
    public Integer call() throws Exception {
        Map<String, Object> need = new LinkedHashMap<>();
        need.put("--task", task);
        need.put("--init", init);
        need.put("--steps", steps);
        need.put("--out", run.out);
        FinetuneConfig stored = Resumption.storedOrNew(spec, run.resume, FinetuneConfig.class, need);
        int batch = stored != null ? stored.schedule().batch() : run.batch;
        return parallel.run(spec, batch, "--batch", group -> train(group, stored));
    }

    private int train(Distributed group, FinetuneConfig stored) throws Exception {
        Path out = stored != null ? run.resume : Resumption.required(run.out, "--out", "the run directory");
        RunDir.requireUsable(out);
        String dev = compute.init(group);
        FinetuneConfig cfg;
        Dataset dataset;
        if (stored != null) {
            dataset = PretrainStage.openData(stored.source().data());
            cfg = resumed(stored, dev);
        } else {
            dataset = PretrainStage.openData(run.data);
            cfg = config(dataset, dev);
        }
        long total = cfg.schedule().steps();
        Stage stage = cfg.task().stage(cfg, group);
        FinetunedModel net = stage instanceof DiffusionStage d ? d.net() : ((ConsistencyStage) stage).net();
        if (group.isMain()) {
            System.out.printf("%s %s at %d px, %,d parameters, init %s%s; %d images; batch %d, "
                    + "lr %.3g, %s, %d threads on %s -> %s%n", cfg.task().id(),
                    cfg.model().name(), cfg.model().imageSize(), net.online().parameterCount(), cfg.init(),
                    net.initReport() == null ? "" : " (" + net.initReport().loaded().size() + " tensors loaded)",
                    dataset.size(), cfg.schedule().batch(), cfg.optimiser().lr(), cfg.precision(), Torch.threads(),
                    dev, out);
            if (cfg.encoder().freezeEncoder() || cfg.encoder().lrd() > 0)
                System.out.printf("encoder: %s, %,d of %,d parameters trained%n", cfg.encoder().freezeEncoder()
                        ? "frozen" : "layer-wise lr decay " + cfg.encoder().lrd() + " (" + cfg.encoder().lrdMode()
                        + ")", stage.trainable().values().stream().mapToLong(t -> t.numel()).sum(),
                        net.online().parameterCount());
            if (cfg.task() == Task.CONSISTENCY && cfg.consistency().auxWeight() == 0)
                System.out.println("auxiliary RCM loss off (no pre-trained encoder)");
            if (group.worldSize() > 1)
                System.out.printf("data parallel: %d processes of batch %d%n", group.worldSize(),
                        cfg.schedule().batch() / group.worldSize());
        }
        RunDir dir = new RunDir(out);
        Invocation inv = Warnings.invocation(spec, group, dev, cfg.precision(), EmaHorizon.warning("--ema",
                "the EMA weights that epg sample uses", cfg.ema(), total));
        TrainState end = new Trainer(stage, cfg.trainerSettings(), dir, cfg, group)
                .invokedAs(inv, Resumption.mayChange(spec))
                .run(dataset, cfg.loaderConfig(), run.stopAt(total),
                group.isMain() ? new TrainProgress() : Trainer.Listener.NONE);
        if (group.isMain())
            System.out.printf("step %d of %d, %d skipped; EMA model in %s%n", end.step(), total, end.skipped(),
                    dir.file(FinetunedModel.MODEL_FILE));
        return 0;
    }

    /** The stored configuration with --steps and the process options of this command line applied. */
    private FinetuneConfig resumed(FinetuneConfig stored, String dev) {
        FinetuneConfig c = stored.withRun(Resumption.control(spec, stored.run(), run, dev, compute.threads,
                previewEvery));
        return steps != null ? c.withSchedule(c.schedule().withSteps(steps)) : c;
    }

    /** The released settings of the task, overridden by every option given. */
    FinetuneConfig config(Dataset dataset, String dev) throws java.io.IOException {
        Task t = Task.parse(Resumption.required(task, "--task", "diffusion or consistency"));
        long k = Resumption.required(steps, "--steps", "total optimiser steps");
        String from = Resumption.required(init, "--init", "'scratch' or an encoder file");
        ModelConfig base = Architecture.of(preset, config, "EPG-T");
        if (base.kind() != ModelConfig.Kind.EPG)
            throw new IllegalArgumentException(base.name() + " is not an EPG model; `epg models` lists the presets");
        ModelConfig model = run.model(base, dataset.channels(), dataset.numClasses());
        FinetuneConfig d = FinetuneConfig.defaults(t, model, run.data, from, run.batch, k);
        ModelConfig m = dropout != null ? d.model().withDropout(dropout, d.model().attnDropout()) : d.model();
        Optimiser o = d.optimiser();
        Optimiser optimiser = new Optimiser(or(lr, o.lr()), or(beta1, o.beta1()), or(beta2, o.beta2()),
                or(weightDecay, o.weightDecay()));
        return d.withModel(m).withSource(run.source()).withRcm(rcm).withSchedule(run.schedule(k))
                .withOptimiser(optimiser).withEncoder(new EncoderTraining(freezeEncoder, or(lrd, 0), lrdMode))
                .withClipNorm(or(clip, d.clipNorm())).withEma(or(ema, d.ema()))
                .withLabelDropout(or(labelDropout, d.labelDropout()))
                .withNoise(noise(d.noise())).withConsistency(consistency(d.consistency())).withSeed(run.seed)
                .withRun(run.control(dev, compute.threads, previewEvery)).withPrecision(compute.precision().id());
    }

    /** The diffusion noise levels with --p-mean, --p-std, --loss-weight and --loss-weight-floor applied. */
    private SnappedLognormal noise(SnappedLognormal d) {
        return new SnappedLognormal(or(pMean, d.pMean()), or(pStd, d.pStd()), d.n(),
                lossWeight != null ? SnappedLognormal.Weighting.parse(lossWeight) : d.weighting(),
                or(weightFloor, d.floor()));
    }

    /** The consistency terms with --p-mean, --p-std, --ect-stage, --huber-c, --aux-*, --lr-milestones applied. */
    private ConsistencyTerms consistency(ConsistencyTerms d) {
        EctTimePair ect = d.timePair();
        long stage = or(ectStage, ect.d0());
        ect = new EctTimePair(or(pMean, ect.pMean()), or(pStd, ect.pStd()), ect.q(), ect.k(), ect.b(), stage, stage,
                ect.delta());
        ConsistencyTerms c = d.withTimePair(ect).withHuberC(or(huberC, d.huberC())).withAuxTau(or(auxTau, d.auxTau()))
                .withAuxWeight(or(auxWeight, d.auxWeight()));
        return milestones != null ? milestones(c) : c;
    }

    /** --lr-milestones STEP:LR,... (empty: none). */
    private ConsistencyTerms milestones(ConsistencyTerms c) {
        String[] parts = milestones.isBlank() ? new String[0] : milestones.split(",");
        long[] ms = new long[parts.length];
        double[] vs = new double[parts.length];
        for (int j = 0; j < parts.length; j++) {
            String[] kv = parts[j].trim().split(":");
            if (kv.length != 2)
                throw new IllegalArgumentException("--lr-milestones wants STEP:LR pairs, e.g. "
                        + "400000:3e-5,500000:8e-6; got '" + parts[j] + "'");
            ms[j] = Long.parseLong(kv[0].trim());
            vs[j] = Double.parseDouble(kv[1].trim());
        }
        return c.withMilestones(ms, vs);
    }

    private static double or(Double v, double fallback) { return v != null ? v : fallback; }

    private static long or(Long v, long fallback) { return v != null ? v : fallback; }
}
