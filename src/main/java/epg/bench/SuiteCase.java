// One row of `epg bench suite`: a unit of work (a training step, a sampling run) timed in Java and in PyTorch.
package epg.bench;

import epg.config.ModelConfig;

/**
 * @param kind   what is measured, with its Java and PyTorch sides
 * @param model  the network (null for the loader case)
 * @param batch  images per unit of work
 * @param bf16   bf16 autocast in both stacks
 * @param warmup unmeasured units first
 * @param steps  measured units (the median counts)
 */
public record SuiteCase(CaseKind kind, ModelConfig model, int batch, boolean bf16, int warmup, int steps) {
    public SuiteCase {
        if (batch < 1 || warmup < 0 || steps < 1)
            throw new IllegalArgumentException("benchmark case " + kind.caseName()
                    + ": batch and steps must be >= 1, warmup >= 0");
        if ((model == null) != (kind == CaseKind.LOADER))
            throw new IllegalArgumentException("benchmark case " + kind.caseName()
                    + ": a model is needed exactly when it is no loader case");
    }

    /** pretrain-step, diffusion-step, consistency-step, sampling, sampling-extrapolated or loader. */
    public String name() { return kind.caseName(); }

    public String dtype() { return bf16 ? "bf16" : "fp32"; }

    /** The model's name, or "F-MNIST" for the loader case. */
    public String subject() { return model == null ? "F-MNIST" : model.name(); }

    /** Work of one unit in GFLOP (2 flops per multiply-accumulate, spec §2.3 counting); 0 when not counted. */
    public double gflop() { return kind.gflop(model, batch); }
}
