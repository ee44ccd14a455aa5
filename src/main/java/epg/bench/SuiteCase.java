// One row of `epg bench suite`: a unit of work (a training step, a sampling run) timed in Java and in PyTorch.
package epg.bench;

import epg.config.ModelConfig;

/**
 * @param name     case name (pretrain-step, diffusion-step, consistency-step, sampling, sampling-extrapolated, loader)
 * @param model    the network (null for the loader case)
 * @param batch    images per unit of work
 * @param bf16     bf16 autocast in both stacks
 * @param warmup   unmeasured units first
 * @param steps    measured units (the median counts)
 * @param torchCase the case of scripts/bench/torch_suite.py doing the same work
 * @param gflop    work of one unit in GFLOP (2 flops per multiply-accumulate, spec §2.3 counting)
 */
public record SuiteCase(String name, ModelConfig model, int batch, boolean bf16, int warmup, int steps, String torchCase, double gflop) {
    public SuiteCase {
        if (batch < 1 || warmup < 0 || steps < 1) throw new IllegalArgumentException("benchmark case " + name + ": batch and steps must be >= 1, warmup >= 0");
    }

    public String dtype() { return bf16 ? "bf16" : "fp32"; }

    /** The model's name, or "F-MNIST" for the loader case. */
    public String subject() { return model == null ? "F-MNIST" : model.name(); }
}
