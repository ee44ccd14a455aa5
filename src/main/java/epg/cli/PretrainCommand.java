// Spec §3: `epg pretrain`: RCM pre-training into a run directory, resuming automatically from its latest checkpoint.
package epg.cli;

import epg.config.ModelConfig;
import epg.data.Dataset;
import epg.dist.Distributed;
import epg.progress.TrainProgress;
import epg.tensor.Torch;
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

import java.util.concurrent.Callable;

@Command(name = "pretrain", mixinStandardHelpOptions = true,
        description = "RCM pre-training (stage 1). Writes OUT/config.json, log.jsonl, checkpoints/step-N/ and "
                + "encoder.safetensors; "
                + "re-running with the same OUT resumes from its latest checkpoint. Data "
                + "parallel: --nproc N on this machine, or under "
                + "torchrun / SLURM (RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR, MASTER_PORT); see docs/distributed.md.")
public final class PretrainCommand implements Callable<Integer> {
    @Option(names = "--preset", description = "RCM preset (default RCM-T; `epg models` lists them).")
    String preset;
    @Option(names = "--config", paramLabel = "ARCH_JSON",
            description = "Architecture JSON instead of --preset (a model file's 'config' fields): any RCM shape.")
    java.nio.file.Path config;
    @Bounds(min = 1)
    @Option(names = "--steps", defaultValue = "600000", description = "Total steps K (default ${DEFAULT-VALUE}).")
    long steps;
    @Bounds(above = 0)
    @Option(names = "--lr", defaultValue = "6e-4",
            description = "Peak learning rate at batch 1024, scaled linearly (default ${DEFAULT-VALUE}).")
    double lr;
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
    @Bounds(min = 0)
    @Option(names = "--warmup", description = "Warm-up steps (default min(10000, steps/60)).") Long warmup;
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
    @Mixin ParallelOptions parallel;
    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception { return parallel.run(spec, run.batch, this::train); }

    private int train(Distributed group) throws Exception {
        run.initTorch();
        String dev = parallel.device(group);
        Dataset dataset = PretrainStage.openData(run.data);
        ModelConfig base = Architecture.of(preset, config, "RCM-T");
        ModelConfig model = projector(run.model(base, dataset.channels(), dataset.numClasses()));
        double decay = weightDecay != null ? weightDecay : PretrainConfig.defaultWeightDecay(model);
        RcmObjective objective = new RcmObjective(temperature, tauMax != null ? tauMax : 0,
                tauMin != null ? tauMin : 0, momentum, momentumBuffers, !noContrastive, !noConsistency);
        PretrainConfig cfg = new PretrainConfig(model, run.source(), run.schedule(steps, warmup),
                new Optimiser(lr, beta1, beta2, decay), noDecayTokens, objective, parallel.precision(), run.seed,
                run.control(dev, RunControl.DEFAULTS.previewEvery()));
        PretrainStage stage = new PretrainStage(cfg, group);
        RunDir dir = new RunDir(run.out);
        if (group.isMain())
            System.out.printf("%s at %d px, %d channels, %,d parameters; %d images; batch %d, "
                    + "lr %.3g, %d threads -> %s%n", model.name(), model.imageSize(),
                model.channels(), stage.online().parameterCount(), dataset.size(), run.batch, cfg.scaledLr(),
                        Torch.threads(), run.out);
        if (group.isMain() && group.worldSize() > 1)
            System.out.printf("data parallel: %d processes of batch %d (synchronised "
                    + "BatchNorm, gathered NT-Xent targets)%n", group.worldSize(), run.batch / group.worldSize());
        Trainer trainer = new Trainer(stage, cfg.trainerSettings(), dir, cfg, group);
        TrainState end = trainer.run(dataset, cfg.loaderConfig(), run.stopAt(steps), group.isMain()
                ? new TrainProgress() : Trainer.Listener.NONE);
        if (group.isMain())
            System.out.printf("step %d of %d, %d skipped; encoder weights in %s%n", end.step(), steps, end.skipped(),
                    dir.file(PretrainStage.ENCODER_FILE));
        return 0;
    }

    /** The model with --proj-hidden and --proj-out applied. */
    ModelConfig projector(ModelConfig model) {
        if (projOut == null && projHidden == null) return model;
        return model.toBuilder().projector(projHidden != null ? projHidden : model.projHidden(),
                projOut != null ? projOut : model.projOut(), model.projLayers()).build();
    }
}
