// docs/demo.md: chart axes and the SVG of a loss chart, against hand-worked values.
package epg.report;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SvgLineChartTest {
    @Test
    void niceStepsAndLabels() {
        assertEquals(0.2, Axis.niceStep(0.13), 1e-12);
        assertEquals(5, Axis.niceStep(3.1), 1e-12);
        assertEquals(100, Axis.niceStep(100), 1e-12);
        assertEquals(List.of(0.0, 200.0, 400.0, 600.0, 800.0, 1000.0), new Axis(0, 1000, 0, 1, false).ticks());
        assertEquals(List.of(-1.0, 0.0, 1.0), new Axis(-1.3, 1.2, 0, 1, true).ticks()); // powers of ten 0.1, 1, 10
        // log axis over [100, 631]: no two powers of ten inside, so 100, 200, 500
        List<Double> t = new Axis(2, Math.log10(631), 0, 1, true).ticks();
        assertEquals(3, t.size());
        assertEquals(200, Math.pow(10, t.get(1)), 1e-9);
        assertEquals(500, Math.pow(10, t.get(2)), 1e-9);
        // log axis over [19, 29.9]: only 20 is m × 10^k, so value steps: (29.9 − 19)/4 = 2.7 → 5, ticks 20 and 25
        List<Double> narrow = new Axis(Math.log10(19), Math.log10(29.9), 0, 1, true).ticks();
        assertEquals(List.of(20.0, 25.0), narrow.stream().map(v -> (double) Math.round(Math.pow(10, v) * 1e6) / 1e6)
                .toList());
        assertEquals("12k", Axis.label(12000));
        assertEquals("0.25", Axis.label(0.25));
        assertEquals("800", Axis.label(800));
    }

    @Test
    void pixelsOfPoints() {
        Axis x = new Axis(0, 100, 64, 624, false);
        assertEquals(64, x.px(0), 1e-9);
        assertEquals(344, x.px(50), 1e-9);
        Axis y = new Axis(0, 2, 256, 28, false); // y grows downwards
        assertEquals(142, y.px(1), 1e-9);
    }

    @Test
    void chartHasOnePolylinePerSeriesAndALegend() {
        LogSeries a = new LogSeries("RCM init", new double[]{0, 50, 100}, new double[]{1, 0.5, 0.25});
        LogSeries b = new LogSeries("scratch <x>", new double[]{0, 100}, new double[]{1, 0.5});
        String svg = new SvgLineChart("loss", "step", "loss", true).add(a).add(b).svg();
        assertEquals(2, svg.split("<polyline", -1).length - 1);
        assertTrue(svg.contains("scratch &lt;x&gt;"), "escaped legend");
        assertTrue(svg.contains("(log scale)"));
        // x: [0, 100] onto [64, 624]; y: log10 v over [log10 0.25, 0] onto [256, 28]: 1 at the top, 0.5 halfway, 0.25
        // at the bottom.
        assertTrue(svg.contains("64.0,28.0 344.0,142.0 624.0,256.0"), svg);
        assertTrue(new SvgLineChart("empty", "step", "loss", false).svg().contains("no data"));
    }
}
