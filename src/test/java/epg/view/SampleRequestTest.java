// docs/view.md (playground): a request's limits and the `epg sample` command line that reproduces its images.
package epg.view;

import epg.diffusion.KarrasGrid;
import epg.sample.Denoiser;
import epg.sample.Heun;
import epg.sample.SeedNoise;
import epg.tensor.Scope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CancellationException;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SampleRequestTest {
    @Test
    void theCommandNamesEveryFlagThatDecidesTheImages() {
        SampleRequest r = SampleRequest.parse("{\"model\": \"a/model.safetensors\", \"seeds\": \"0-3,9\", "
                + "\"classes\": [2, 10], \"sampler\": \"twostep\", \"steps\": 18, \"cfg\": 1.5, \"cfgLow\": 0.3, "
                + "\"cfgHigh\": 2, \"midSigma\": 0.5}");
        assertEquals("epg sample 'runs/my demo/model.safetensors' --seeds 0-3,9 --labels 2,10 --sampler twostep "
                + "--points 18 --cfg 1.5 --cfg-interval 0.3,2 --mid-sigma 0.5 --batch 16 --out out", r.command(
                "runs/my demo/model.safetensors", "out"));
        SampleRequest d = SampleRequest.parse("{\"model\": \"m.safetensors\"}");
        assertEquals("epg sample m.safetensors --seeds 0-15 --sampler heun --points 32 --cfg 1 --cfg-interval "
                + "0.19,1.61 --batch 16 --out o", d.command("m.safetensors", "o"), "the defaults, written out");
        assertEquals("'it'\\''s'", SampleRequest.quoted("it's"));
        assertEquals("0.1", SampleRequest.number(0.1));
        assertEquals("1.0E-5", SampleRequest.number(1e-5));
        assertEquals(1e-5, Double.parseDouble(SampleRequest.number(1e-5)));
    }

    @Test
    void labelsCycleOrBalanceAndStayInRange() {
        SampleRequest r = SampleRequest.parse("{\"model\": \"m\", \"seeds\": \"0-4\", \"classes\": [3, 1]}");
        assertArrayEquals(new int[]{3, 1, 3, 1, 3}, r.labels(4));
        assertArrayEquals(new int[]{0, 0, 1, 2, 3}, SampleRequest.parse("{\"model\": \"m\", \"seeds\": \"0-4\"}")
                .labels(4), "balanced: image i gets ⌊i·4/5⌋");
        assertEquals(400, assertThrows(HttpError.class, () -> r.labels(2)).status());
        assertEquals(400, assertThrows(HttpError.class, () -> SampleRequest.parse("{\"model\": \"m\", \"steps\": 1}"))
                .status());
        assertEquals(400, assertThrows(HttpError.class,
                () -> SampleRequest.parse("{\"model\": \"m\", \"midSigma\": 0}")).status());
    }

    @Test
    void theRecorderStopsAtTheNextNetworkCallOnceCancelled() {
        int[] calls = {0};
        boolean[] cancel = {false};
        Denoiser zero = (x, sigma, labels) -> torch.zeros_like(x);
        Recorder r = new Recorder(zero, () -> cancel[0], n -> { calls[0] = n; if (n == 3) cancel[0] = true; },
                epg.data.Normalization.SIMPLE, 2);
        try (Scope s = Scope.open()) {
            SeedNoise noise = new SeedNoise(new long[]{1, 2, 3}, new long[]{1, 4, 4});
            Tensor labels = epg.data.BatchTensors.labels(new int[]{0, 0, 0});
            assertThrows(CancellationException.class, () -> new Heun().sample(r, noise.initial(), labels,
                    new KarrasGrid(8, 1), noise));
        }
        assertEquals(3, calls[0], "the fourth call never reached the network");
        // the predictions of the three calls: at σ_0, and at σ_1 (twice: the later one kept)
        assertEquals(List.of(KarrasGrid.unshifted(0, 8), KarrasGrid.unshifted(1, 8)),
                List.copyOf(r.predictions().keySet()));
        assertEquals(2, r.predictions().firstEntry().getValue().size(), "two rows kept of three images");
    }

    @Test
    void theTrajectoryKeepsTheFirstAndLastStep() {
        assertEquals(List.of(0, 1, 2), TrajectoryStrip.spread(3, 24));
        // round(k·55/23), k = 0 … 23
        assertEquals(List.of(0, 2, 5, 7, 10, 12, 14, 17, 19, 22, 24, 26, 29, 31, 33, 36, 38, 41, 43, 45, 48, 50, 53,
                55), TrajectoryStrip.spread(56, 24));
        List<Integer> s = TrajectoryStrip.spread(127, 24);
        assertEquals(24, s.size());
        assertEquals(126, s.get(23));
    }
}
