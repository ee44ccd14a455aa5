// Spec §4 (stage 2a, diffusion, x-prediction) and §5 (stage 2b, consistency, ECT): the fine-tuning tasks.
package epg.train;

import epg.diffusion.Preconditioning;
import epg.dist.Distributed;

import java.io.IOException;
import java.util.Arrays;
import java.util.Locale;

/**
 * The registry of fine-tuning tasks: each names its parameterisation (how a sampler turns the network into a
 * denoiser), the stage that computes its loss, and the released settings that differ between tasks. A new task is
 * one constant here and its stage.
 */
public enum Task {
    DIFFUSION(Preconditioning.Kind.DIFFUSION, DiffusionStage::new) {
        @Override
        FinetuneConfig released(FinetuneConfig c) {
            return c.withOptimiser(c.optimiser().withBetas(0.9, 0.999).withWeightDecay(0.01)).withClipNorm(0.5)
                    .withLabelDropout(0.1);
        }
    },
    CONSISTENCY(Preconditioning.Kind.CONSISTENCY, ConsistencyStage::new) {
        /** Decoder dropout 0.5, β2 0.99, weight decay 0.03 (0.01 in the paper's table), step-wise learning rates. */
        @Override
        FinetuneConfig released(FinetuneConfig c) {
            return c.withModel(c.model().withDropout(0.5, c.model().attnDropout()))
                    .withOptimiser(c.optimiser().withBetas(0.9, 0.99).withWeightDecay(0.03))
                    .withConsistency(c.consistency()
                            .withMilestones(new long[]{400_000, 500_000}, new double[]{3e-5, 8e-6}))
                    .withClipNorm(0).withLabelDropout(0);
        }
    };

    /** A task's training stage, built for one rank of a (possibly single-process) group. */
    @FunctionalInterface
    public interface StageFactory {
        Stage open(FinetuneConfig cfg, Distributed group) throws IOException;
    }

    private final Preconditioning.Kind kind;
    private final StageFactory stage;

    Task(Preconditioning.Kind kind, StageFactory stage) {
        this.kind = kind;
        this.stage = stage;
    }

    /** The task's released settings applied to {@code c} (the settings every task shares). */
    abstract FinetuneConfig released(FinetuneConfig c);

    /** The task of a command-line name ("diffusion" or "consistency"). */
    public static Task parse(String s) {
        for (Task t : values()) if (t.id().equalsIgnoreCase(s)) return t;
        throw new IllegalArgumentException("unknown task '" + s + "'; use "
                + String.join(" or ", Arrays.stream(values()).map(Task::id).toList()));
    }

    /** The name of the task and of the parameterisation a sampler must use ("diffusion" or "consistency"). */
    public String id() { return name().toLowerCase(Locale.ROOT); }

    /** The parameterisation of the trained network (the model file's metadata; the sampler's denoiser). */
    public Preconditioning.Kind kind() { return kind; }

    /** The stage that trains this task. */
    public Stage stage(FinetuneConfig cfg, Distributed group) throws IOException { return stage.open(cfg, group); }
}
