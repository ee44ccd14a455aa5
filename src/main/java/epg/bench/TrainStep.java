// One optimisation step of a network on a synthetic batch (forward, backward, AdamW): the unit that benchmarks time.
package epg.bench;

import epg.config.ModelConfig;
import epg.nn.EpgModel;
import epg.nn.Init;
import epg.nn.RcmEncoder;
import epg.nn.VitEncoder;
import epg.tensor.Rng;
import epg.tensor.Autocast;
import epg.tensor.Scope;
import epg.tensor.Torch;
import epg.train.AdamW;
import epg.train.ParameterLayout;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

import java.util.List;
import java.util.Map;
import java.util.Set;

/** The same loss as scripts/bench/torch_step.py, so that both stacks do the same work. */
public final class TrainStep implements Runnable {
    private final VitEncoder model;
    private final AdamW optimiser;
    private final Tensor x, c, y;
    private final boolean bf16;

    public TrainStep(ModelConfig config, int batch, boolean bf16, long seed) {
        Torch.init();
        Rng rng = new Rng(seed);
        this.model = config.kind() == ModelConfig.Kind.EPG ? new EpgModel(config) : new RcmEncoder(config);
        if (model instanceof EpgModel m) Init.epg(m, rng); else Init.rcm((RcmEncoder) model, rng);
        this.optimiser = AdamW.of(model.namedParameters(), new AdamW.Options(0.9, 0.999, 1e-8, 0.01, Set.of()),
                Map.of(), List.of(model), ParameterLayout.current());
        this.x = Scope.keep(torch.randn(new long[]{batch, config.channels(), config.imageSize(), config.imageSize()},
                rng.optional(), Torch.options(ScalarType.Float)));
        this.c = Scope.keep(torch.randn(new long[]{batch}, rng.optional(), Torch.options(ScalarType.Float))
                .mul(Torch.scalar(100)));
        this.y = Scope.keep(torch.randint(config.numClasses() + 1, new long[]{batch}, rng.optional(),
                Torch.options(ScalarType.Long)));
        this.bf16 = bf16;
    }

    public VitEncoder model() { return model; }

    @Override
    public void run() {
        try (Scope s = Scope.open(); Autocast a = Autocast.cpu(bf16)) {
            Tensor loss;
            if (model instanceof EpgModel m) {
                loss = m.forward(x, c, y).to(ScalarType.Float).sub(x).square().mean();
            } else {
                RcmEncoder.Output o = ((RcmEncoder) model).forward(x, c);
                loss = o.proj().to(ScalarType.Float).square().mean().add(o.h().to(ScalarType.Float).square().mean());
            }
            a.close();
            loss.backward();
            optimiser.step(1e-4);
            optimiser.zeroGrad();
        }
    }
}
