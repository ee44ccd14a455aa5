// Spec §3: `epg pretrain`: RCM pre-training into a run directory, resuming automatically from its latest checkpoint.
package epg.cli;

import epg.config.ModelConfig;
import epg.data.Dataset;
import epg.dist.Distributed;
import epg.progress.TrainProgress;
import epg.tensor.Torch;
import epg.train.EmaHorizon;
import epg.train.Invocation;
import epg.train.Optimiser;
import epg.train.PretrainConfig;
import epg.train.RcmObjective;
import epg.train.RunControl;
import epg.train.PretrainStage;
import epg.train.RunDir;
import epg.train.TrainState;
import epg.train.Trainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "pretrain", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Pre-trains an RCM encoder (stage 1) on a dataset.",
                "Writes OUT/config.json (the settings, the effective learning rate, and each invocation's command "
                        + "line, version, commit and machine), log.jsonl, checkpoints/step-N/ and encoder.safetensors. "
                        + "Running it again with the same OUT resumes from its latest checkpoint; `--resume OUT` does "
                        + "so without retyping the settings. Data parallel: --nproc N on this machine, or under "
                        + "torchrun / SLURM (RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR, MASTER_PORT); see "
                        + "docs/distributed.md."},
        footerHeading = "%nExample:%n",
        footer = {"  epg pretrain --preset RCM-T --data fashion-mnist --steps 3000 --batch 256 --out runs/rcm",
                "  epg pretrain --resume runs/rcm --steps 6000        # continue, extended to 6,000 steps"})
public final class PretrainCommand implements Callable<Integer> {
    @Option(names = "--preset", description = "RCM preset (default RCM-T; `epg models` lists them).")
    String preset;
    @Option(names = "--config", paramLabel = "ARCH_JSON",
            description = "Architecture JSON instead of --preset (a model file's 'config' fields): any RCM shape.")
    java.nio.file.Path config;
    @Bounds(min = 1)
    @Option(names = "--steps", description = "Total optimiser steps K (default 600000; with --resume: extends the "
            + "run).")
    Long steps;
    @Bounds(above = 0)
    @Option(names = {"--base-lr"}, paramLabel = "LR",
            description = "Peak learning rate per 1024 images, as MAE and MoCo v3 give it; the rate used is "
                    + "LR x batch / 1024 (config.json records both as lr and effectiveLr) (default 6e-4).")
    Double baseLr;
    @Bounds(above = 0)
    @Option(names = "--lr", hidden = true, description = "Deprecated spelling of --base-lr.") Double lr;
    @Bounds(min = 0, below = 1)
    @Option(names = "--beta1", defaultValue = "0.9", description = "AdamW beta1 (default ${DEFAULT-VALUE}).")
    double beta1;
    @Bounds(min = 0, below = 1)
    @Option(names = "--beta2", defaultValue = "0.95",
            description = "AdamW beta2 (default ${DEFAULT-VALUE} released; paper 0.999).")
    double beta2;
    @Bounds(min = 0)
    @Option(names = "--weight-decay", description = "AdamW weight decay (default 0.03; 0.05 for width >= 1024).")
    Double weightDecay;
    @Option(names = "--no-decay-tokens", description = "No weight decay on pos_embed and cls_token.")
    boolean noDecayTokens;
    @Option(names = "--temperature", defaultValue = "constant",
            description = "Consistency temperature schedule: constant (released) or "
                    + "cosine (paper) (default ${DEFAULT-VALUE}).")
    String temperature;
    @Bounds(above = 0)
    @Option(names = "--tau-max",
            description = "Consistency temperature at sigma_max at step 0, the paper's tau2 (default 0.1 constant, "
                    + "0.2 cosine; Table 12b: 0.1, 0.2, 0.5).")
    Double tauMax;
    @Bounds(above = 0)
    @Option(names = "--tau-min",
            description = "Consistency temperature at sigma_min, where the cosine ends, the paper's tau1 "
                    + "(default 0.1).")
    Double tauMin;
    @Bounds(min = 1)
    @Option(names = "--proj-out",
            description = "Projector output width (default: the preset's; 256 released config, 768 released "
                    + "launch script).")
    Integer projOut;
    @Bounds(min = 1)
    @Option(names = "--proj-hidden", description = "Projector hidden width (default: the preset's; 4096 released).")
    Integer projHidden;
    @Bounds(min = 0, below = 1)
    @Option(names = "--momentum", defaultValue = "0.99",
            description = "Momentum-encoder EMA rate (default ${DEFAULT-VALUE}).")
    double momentum;
    @Option(names = "--momentum-buffers",
            description = "Also EMA the BatchNorm statistics into the momentum encoder (released: off).")
    boolean momentumBuffers;
    @Option(names = "--no-contrastive",
            description = "Drop the contrastive term (Table 12c's 'w/o contrast' ablation).")
    boolean noContrastive;
    @Option(names = "--no-consistency",
            description = "Drop the representation-consistency term (contrastive only: "
                    + "Appendix E's collapsing encoder).")
    boolean noConsistency;
    @Mixin RunOptions run;
    @Mixin ComputeOptions compute;
    @Mixin ParallelOptions parallel;
    @Spec CommandSpec spec;

    /** The default number of steps: the paper's 600k. */
    static final long STEPS = 600_000;
    /** The released peak learning rate per 1024 images. */
    static final double BASE_LR = 6e-4;

    @Override
    public Integer call() throws Exception {
        PretrainConfig stored = Resumption.storedOrNew(spec, run.resume, PretrainConfig.class,
                java.util.Collections.singletonMap("--out", run.out));
        int batch = stored != null ? stored.schedule().batch() : run.batch;
        return parallel.run(spec, batch, "--batch", group -> train(group, stored));
    }

    private int train(Distributed group, PretrainConfig stored) throws Exception {
        Path out = stored != null ? run.resume : Resumption.required(run.out, "--out", "the run directory");
        RunDir.requireUsable(out);
        String dev = compute.init(group);
        Dataset dataset = PretrainStage.openData(stored != null ? stored.source().data() : run.data);
        PretrainConfig cfg = stored != null ? resumed(stored, dev) : config(dataset, dev);
        ModelConfig model = cfg.model();
        long total = cfg.schedule().steps();
        PretrainStage stage = new PretrainStage(cfg, group);
        RunDir dir = new RunDir(out);
        if (group.isMain())
            System.out.printf("%s at %d px, %d channels, %,d parameters; %d images; batch %d, "
                    + "lr %.3g (base %.3g per 1024), %s, %d threads on %s -> %s%n", model.name(), model.imageSize(),
                    model.channels(), stage.online().parameterCount(), dataset.size(), cfg.schedule().batch(),
                    cfg.scaledLr(), cfg.optimiser().lr(), cfg.precision(), Torch.threads(), dev, out);
        if (group.isMain() && group.worldSize() > 1)
            System.out.printf("data parallel: %d processes of batch %d (synchronised "
                    + "BatchNorm, gathered NT-Xent targets)%n", group.worldSize(),
                    cfg.schedule().batch() / group.worldSize());
        Invocation inv = Warnings.invocation(spec, group, dev, cfg.precision(), EmaHorizon.warning("--momentum",
                "the momentum encoder (the consistency target)", cfg.objective().momentum(), total));
        Trainer trainer = new Trainer(stage, cfg.trainerSettings(), dir, cfg, group)
                .invokedAs(inv, Resumption.mayChange(spec));
        TrainState end = trainer.run(dataset, cfg.loaderConfig(), run.stopAt(total), group.isMain()
                ? new TrainProgress() : Trainer.Listener.NONE);
        if (group.isMain())
            System.out.printf("step %d of %d, %d skipped; encoder weights in %s%n", end.step(), total, end.skipped(),
                    dir.file(PretrainStage.ENCODER_FILE));
        return 0;
    }

    /** The stored configuration with --steps and the process options of this command line applied. */
    private PretrainConfig resumed(PretrainConfig stored, String dev) {
        PretrainConfig c = stored.withRun(Resumption.control(spec, stored.run(), run, dev, compute.threads, null));
        return steps != null ? c.withSchedule(c.schedule().withSteps(steps)) : c;
    }

    /** The settings of the options given, the released ones elsewhere. */
    private PretrainConfig config(Dataset dataset, String dev) throws java.io.IOException {
        if (baseLr != null && lr != null)
            throw new IllegalArgumentException("give --base-lr only (--lr is its old name)");
        double base = baseLr != null ? baseLr : lr != null ? lr : BASE_LR;
        long k = steps != null ? steps : STEPS;
        ModelConfig base0 = Architecture.of(preset, config, "RCM-T");
        ModelConfig model = projector(run.model(base0, dataset.channels(), dataset.numClasses()));
        double decay = weightDecay != null ? weightDecay : PretrainConfig.defaultWeightDecay(model);
        RcmObjective objective = new RcmObjective(temperature, tauMax != null ? tauMax : 0,
                tauMin != null ? tauMin : 0, momentum, momentumBuffers, !noContrastive, !noConsistency);
        return new PretrainConfig(model, run.source(), run.schedule(k),
                new Optimiser(base, beta1, beta2, decay), noDecayTokens, objective, compute.precision().id(),
                run.seed, run.control(dev, compute.threads, RunControl.DEFAULTS.previewEvery()));
    }

    /** The model with --proj-hidden and --proj-out applied. */
    ModelConfig projector(ModelConfig model) {
        if (projOut == null && projHidden == null) return model;
        return model.toBuilder().projector(projHidden != null ? projHidden : model.projHidden(),
                projOut != null ? projOut : model.projOut(), model.projLayers()).build();
    }
}
