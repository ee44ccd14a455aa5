// Spec §4: one stage-2a training step (x-prediction loss, backward, clip 0.5, AdamW, EMA 0.9999) on a synthetic batch.
package epg.bench;

import epg.config.ModelConfig;
import epg.diffusion.KarrasGrid;
import epg.diffusion.Preconditioning;
import epg.nn.EpgModel;
import epg.nn.Init;
import epg.tensor.Autocast;
import epg.tensor.Rng;
import epg.tensor.Scope;
import epg.tensor.Torch;
import epg.train.AdamW;
import epg.train.Ema;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

import java.util.Set;

/**
 * Written from the spec for the benchmark (the DiffusionStage of the training code computes the same loss):
 * σ = exp(N(−1.2, 1.6)), i = argmin_j |σ − σ_j| on the unshifted 1280-point grid, t = σ_i·s, x_t = x + ε·t,
 * loss = mean w_i·(F(c_in·x_t, c(t), y') − x)² with w_i = 1/(σ_i − σ_{i+1}), labels dropped with p 0.1.
 * The PyTorch twin is the "diffusion" case of scripts/bench/torch_suite.py.
 */
public final class DiffusionStep implements Runnable {
    public static final int GRID = 1280, FORWARDS_PER_IMAGE = 3;

    private final EpgModel model, ema;
    private final Ema average;
    private final AdamW optimiser;
    private final Rng rng;
    private final Tensor x, y, grid, next;
    private final double shift;
    private final int classes;
    private final boolean bf16;

    public DiffusionStep(ModelConfig config, int batch, boolean bf16, long seed) {
        Torch.init();
        this.rng = new Rng(seed);
        this.model = new EpgModel(config);
        Init.epg(model, rng);
        model.train(true);
        this.ema = new EpgModel(config);
        ema.load(model.stateDict(), true);
        ema.eval();
        this.average = new Ema(model, ema, 0.9999, false);
        this.optimiser = new AdamW(model.namedParameters(), new AdamW.Options(0.9, 0.999, 1e-8, 0.01, Set.of()));
        this.x = Scope.keep(torch.randn(new long[]{batch, config.channels(), config.imageSize(), config.imageSize()}, rng.optional(), Torch.options(ScalarType.Float)));
        this.y = Scope.keep(torch.randint(config.numClasses(), new long[]{batch}, rng.optional(), Torch.options(ScalarType.Long)));
        double[] g = new double[GRID + 1];
        for (int i = 0; i <= GRID; i++) g[i] = KarrasGrid.unshifted(i, GRID);                  // one past the end for σ_{i+1}
        Tensor all = Torch.fromDoubles(g, GRID + 1).to(ScalarType.Float);
        this.grid = Scope.keep(all.narrow(0, 0, GRID).contiguous());                             // [N]
        this.next = Scope.keep(all.narrow(0, 1, GRID).contiguous());                             // [N]
        this.shift = config.shift();
        this.classes = config.numClasses();
        this.bf16 = bf16;
    }

    @Override
    public void run() {
        try (Scope s = Scope.open()) {
            Tensor loss;
            try (Autocast a = Autocast.cpu(bf16)) {
                loss = loss();
            }
            loss.backward();
            double value = loss.item_double(), norm = GradNorm.clip(model.namedParameters().values(), 0.5);
            if (!Double.isFinite(value) || !Double.isFinite(norm)) throw new IllegalStateException("non-finite loss in the benchmark step");
            optimiser.step(1e-4);
            optimiser.zeroGrad();
            average.update();
        }
    }

    private Tensor loss() {
        long b = x.size(0);
        Tensor sigma = torch.randn(new long[]{b}, rng.optional(), Torch.options(ScalarType.Float)).mul(new Scalar(1.6)).add(new Scalar(-1.2)).exp(); // [B]
        Tensor i = sigma.unsqueeze(1).sub(grid.unsqueeze(0)).abs().argmin(new org.bytedeco.pytorch.LongOptional(1), false); // [B]
        Tensor si = grid.index_select(0, i), sn = next.index_select(0, i);                      // [B]
        Tensor gap = si.sub(sn);                                                                  // [B]
        Tensor w = torch.where(gap.gt(new Scalar(0.0)), gap.reciprocal(), torch.zeros_like(gap)); // [B]
        Tensor t = si.mul(new Scalar(shift));                                                     // [B]
        Tensor eps = torch.randn(x.sizes().vec().get(), rng.optional(), Torch.options(ScalarType.Float)); // [B, C, H, W]
        Tensor xt = x.add(eps.mul(t.reshape(b, 1, 1, 1)));                                        // [B, C, H, W]
        Tensor drop = torch.rand(new long[]{b}, rng.optional(), Torch.options(ScalarType.Float)).lt(new Scalar(0.1)); // [B]
        Tensor labels = torch.where(drop, torch.full_like(y, new Scalar((long) classes)), y);   // [B]
        Tensor d = model.forward(xt.mul(Preconditioning.cIn(t).reshape(b, 1, 1, 1)), Preconditioning.timeCondition(t), labels); // [B, C, H, W]
        return d.to(ScalarType.Float).sub(x).square().mul(w.reshape(b, 1, 1, 1)).mean();
    }
}
