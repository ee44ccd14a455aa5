// `epg bench suite`: the kinds of case, each with its Java side, its PyTorch side (torch_suite.py) and its work.
package epg.bench;

import com.google.gson.JsonObject;
import epg.config.Json;
import epg.config.ModelConfig;
import epg.config.ModelSize;
import epg.data.DatasetRegistry;

/**
 * What a {@link SuiteCase} measures. The Java side runs the case at its model (attention already chosen); the PyTorch
 * side is the case of the same name in scripts/bench/torch_suite.py with the arguments {@link #torchArgs} adds.
 */
public enum CaseKind {
    PRETRAIN("pretrain-step", "pretrain") {
        @Override double gflop(ModelConfig m, int batch) {
            return 2 * ModelSize.gflops(m) * PretrainStep.FORWARDS_PER_IMAGE * batch;
        }

        @Override double javaMs(SuiteCase c, ModelConfig m, int threads) {
            return StepTimer.time(c.warmup(), c.steps(), new PretrainStep(m, c.batch(), c.bf16(), 0)).medianMs();
        }
    },
    DIFFUSION("diffusion-step", "diffusion") {
        @Override double gflop(ModelConfig m, int batch) {
            return 2 * ModelSize.gflops(m) * DiffusionStep.FORWARDS_PER_IMAGE * batch;
        }

        @Override double javaMs(SuiteCase c, ModelConfig m, int threads) {
            return StepTimer.time(c.warmup(), c.steps(), new DiffusionStep(m, c.batch(), c.bf16(), 0)).medianMs();
        }
    },
    CONSISTENCY("consistency-step", "consistency") {
        @Override double gflop(ModelConfig m, int batch) { return ConsistencyStep.gflop(m, batch); }

        @Override double javaMs(SuiteCase c, ModelConfig m, int threads) {
            return StepTimer.time(c.warmup(), c.steps(), new ConsistencyStep(m, c.batch(), c.bf16(), 0)).medianMs();
        }

        /** The frozen RCM encoder's description instead of the data. */
        @Override void torchArgs(SuiteCase c, JsonObject o) {
            String rcm = TorchReference.configJson(ConsistencyStep.frozenConfig(c.model()));
            o.add("rcm", Json.parse(rcm, JsonObject.class, "the frozen encoder's description"));
        }
    },
    /** The whole released sampler (Heun 32, CFG 2.5). */
    SAMPLE("sampling", "sample") {
        @Override double gflop(ModelConfig m, int batch) { return samplingGflop(m, batch); }

        @Override double javaMs(SuiteCase c, ModelConfig m, int threads) {
            SamplingRun s = new SamplingRun(m, c.batch(), c.bf16(), 0);
            return StepTimer.time(c.warmup(), c.steps(), s::sampleAll).medianMs();
        }
    },
    /** One-step consistency sampling (one network call per image, no guidance). */
    ONE_STEP("sampling-1-step", "sample-onestep") {
        @Override double gflop(ModelConfig m, int batch) { return 2 * ModelSize.gflops(m) * batch; }

        @Override double javaMs(SuiteCase c, ModelConfig m, int threads) {
            return StepTimer.time(c.warmup(), c.steps(), new FewStepRun(m, c.batch(), c.bf16(), 0, 1)::sampleAll)
                    .medianMs();
        }
    },
    /** Two-step consistency sampling (ECT's middle σ 0.821·s; two network calls per image, no guidance). */
    TWO_STEP("sampling-2-step", "sample-twostep") {
        @Override double gflop(ModelConfig m, int batch) { return 2 * 2 * ModelSize.gflops(m) * batch; }

        @Override double javaMs(SuiteCase c, ModelConfig m, int threads) {
            return StepTimer.time(c.warmup(), c.steps(), new FewStepRun(m, c.batch(), c.bf16(), 0, 2)::sampleAll)
                    .medianMs();
        }
    },
    /** The released sampler extrapolated from timed network calls at batch B and 2B (large models). */
    SAMPLE_CALLS("sampling-extrapolated", "sample-calls") {
        @Override double gflop(ModelConfig m, int batch) { return samplingGflop(m, batch); }

        @Override double javaMs(SuiteCase c, ModelConfig m, int threads) {
            SamplingRun s = new SamplingRun(m, c.batch(), c.bf16(), 0);
            double single = StepTimer.time(c.warmup(), c.steps(), s.call(false)).medianMs();
            double doubled = StepTimer.time(c.warmup(), c.steps(), s.call(true)).medianMs();
            return extrapolate(c, single, doubled);
        }

        @Override double torchMs(SuiteCase c, JsonObject answer) {
            return extrapolate(c, answer.get("median_ms").getAsDouble(), answer.get("double_ms").getAsDouble());
        }

        @Override String note(SuiteCase c, int threads) {
            return "extrapolated from timed network calls at batch " + c.batch() + " and " + 2 * c.batch();
        }
    },
    /** Loader throughput (no model): ms per batch, the mean over the measured batches (the workers prefetch). */
    LOADER("loader", "loader") {
        @Override double gflop(ModelConfig m, int batch) { return 0; }

        @Override double javaMs(SuiteCase c, ModelConfig m, int threads) {
            try (LoaderRun run = new LoaderRun(DatasetRegistry.open(DatasetRegistry.DEFAULT, true), c.batch(), 32,
                    threads)) {
                for (int i = 0; i < c.warmup(); i++) run.run();
                long t0 = System.nanoTime();
                for (int i = 0; i < c.steps(); i++) run.run();
                return (System.nanoTime() - t0) / 1e6 / c.steps();
            }
        }

        @Override String note(SuiteCase c, int threads) {
            return "32 px MoCo pair + clean image per sample, " + threads
                    + " workers; PyTorch: torchvision in a DataLoader, RSS of its main process";
        }
    };

    private final String caseName, torchName;

    CaseKind(String caseName, String torchName) {
        this.caseName = caseName;
        this.torchName = torchName;
    }

    /** The case's name in the table and in bench/results.jsonl. */
    String caseName() { return caseName; }

    /** The case's name in scripts/bench/torch_suite.py. */
    String torchName() { return torchName; }

    /** Work of one unit in GFLOP (2 flops per multiply-accumulate, spec §2.3 counting); 0 when not counted. */
    abstract double gflop(ModelConfig m, int batch);

    /** The Java side's median ms per unit; {@code m} is the case's model with the attention kernel chosen. */
    abstract double javaMs(SuiteCase c, ModelConfig m, int threads);

    /** The PyTorch side's ms per unit from its JSON answer. */
    double torchMs(SuiteCase c, JsonObject answer) { return answer.get("median_ms").getAsDouble(); }

    /** Adds what this kind's PyTorch side needs besides the model and the timing settings (by default: the data). */
    void torchArgs(SuiteCase c, JsonObject o) {
        o.addProperty("data", DatasetRegistry.locate(DatasetRegistry.FASHION_MNIST).toString());
    }

    /** A remark printed under the table ("" for none). */
    String note(SuiteCase c, int threads) { return ""; }

    private static double samplingGflop(ModelConfig m, int batch) {
        int[] calls = SamplingRun.calls(m);
        return 2 * ModelSize.gflops(m) * (calls[0] + calls[1]) * batch;
    }

    /** unguided calls·T(B) + guided calls·T(2B): the time of one Heun-32 CFG run from single-call timings. */
    static double extrapolate(SuiteCase c, double singleMs, double doubleMs) {
        int[] calls = SamplingRun.calls(c.model());
        return (calls[0] - calls[1]) * singleMs + calls[1] * doubleMs;
    }
}
