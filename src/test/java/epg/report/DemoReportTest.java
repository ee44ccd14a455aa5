// report.html's verdict on pre-training vs scratch: the sample count stated, a difference inside the noise not a win.
package epg.report;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DemoReportTest {
    @TempDir Path run;

    @Test
    void binomialNoiseByHand() {
        // sqrt(0.52·0.48/400) = sqrt(0.000624) = 0.0249800
        assertEquals(0.0249800, Comparison.binomialStd(0.52, 400), 1e-7);
        // 2·sqrt(0.000624 + 0.000624) = 2·0.0353270 = 0.0706541
        assertEquals(0.0706541, Comparison.noise(0.52, 400, 0.48, 400), 1e-7);
    }

    @Test
    void aDifferenceInsideTheNoiseIsLevel() throws Exception {
        String html = DemoReport.html(run, result(0.52, 0.48, 4.89, 4.80));
        assertTrue(html.contains("after 1300 diffusion steps each, same sampler, 400 samples per model: class accuracy "
                + "52.0% with the RCM-initialised encoder vs 48.0% from scratch, level within the noise (a difference "
                + "of 4.0 points; two standard deviations of the binomial noise: ±7.1); FD_RCM 4.890 vs 4.800, level "
                + "(2% apart, within the 10% we allow an FD from this few samples)."), html);
        assertFalse(html.contains("helps"), html);
    }

    @Test
    void aDifferenceBeyondTheNoiseNamesTheBetterModel() throws Exception {
        // 2·sqrt(2·0.6·0.4/400) = 0.0692820: 20 points is beyond it; FD 4 vs 6: (6 − 4)/6 = 33% lower
        String html = DemoReport.html(run, result(0.60, 0.40, 4.0, 6.0));
        assertTrue(html.contains("pre-training ahead by 20.0 points (beyond the binomial noise of ±6.9 at two standard "
                + "deviations); FD_RCM 4.000 vs 6.000, 33% lower with pre-training."), html);
        html = DemoReport.html(run, result(0.30, 0.60, 6.0, 4.0));
        assertTrue(html.contains("scratch ahead by 30.0 points") && html.contains("33% lower with scratch"), html);
    }

    @Test
    void numericCellsDoNotWrap() throws Exception {
        String html = DemoReport.html(run, result(0.5, 0.5, 1, 1));
        assertTrue(html.contains("td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}"), html);
        assertTrue(html.contains("<td class=\"n\">400</td>"), "the sample count is a numeric cell");
    }

    private static DemoResult result(double epgAccuracy, double scratchAccuracy, double epgFd, double scratchFd) {
        MetricRow epg = new MetricRow("EPG diffusion (RCM init)", "RCM encoder", 1300, "Heun 32 points", 63, 400,
                epgFd, null, epgAccuracy, 0.1, "samples/diffusion-heun-32");
        MetricRow scratch = new MetricRow("diffusion from scratch", "random", 1300, "Heun 32 points", 63, 400,
                scratchFd, null, scratchAccuracy, 0.1, "samples/scratch-heun-32");
        return new DemoResult(20, false, List.of(), 2000, 2, false, "rcm/encoder.safetensors", null, List.of(),
                List.of(epg, scratch), 1200, 2400, 1.0, "2026-12-02T15:00:00Z", List.of());
    }
}
