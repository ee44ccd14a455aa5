// docs/demo.md: chart axes and the SVG of a loss chart, against hand-worked values.
package epg.report;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SvgLineChartTest {
    @Test
    void niceStepsAndLabels() {
        assertEquals(0.2, Axis.niceStep(0.13), 1e-12);
        assertEquals(5, Axis.niceStep(3.1), 1e-12);
        assertEquals(100, Axis.niceStep(100), 1e-12);
        assertEquals(List.of(0.0, 200.0, 400.0, 600.0, 800.0, 1000.0), new Axis(0, 1000, 0, 1, false).ticks());
        // log axes get at least four labelled ticks where 1, 2, 5 or 1..9 × 10^k give them
        assertEquals(List.of(-8.0, -7.0, -6.0, -5.0), new Axis(-8, -5, 0, 1, true).ticks(), "four decades: powers");
        // [0.05, 15.8]: only 0.1, 1, 10 are powers of ten; 1-2-5: 0.1, 0.2, 0.5, 1, 2, 5, 10
        assertEquals(List.of(0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0), values(new Axis(-1.3, 1.2, 0, 1, true).ticks()));
        // [100, 631]: one power of ten, three 1-2-5 values, so every m × 10^k: 100, 200, ..., 600
        assertEquals(List.of(100.0, 200.0, 300.0, 400.0, 500.0, 600.0),
                values(new Axis(2, Math.log10(631), 0, 1, true).ticks()));
        // [1, 1e13]: 14 powers of ten, more than the 1-2-5 cap would allow but each a label
        assertEquals(14, new Axis(0, 13, 0, 1, true).ticks().size());
        // log axis over [19, 29.9]: only 20 is m × 10^k, so value steps: (29.9 − 19)/4 = 2.7 → 5, ticks 20 and 25
        List<Double> narrow = new Axis(Math.log10(19), Math.log10(29.9), 0, 1, true).ticks();
        assertEquals(List.of(20.0, 25.0), values(narrow));
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
        // the legend is one row under the title (baseline 40: entries 24 + 6.5 px a character + 14 wide fit), so the
        // plot starts at 48. x: [0, 100] onto [64, 624]; y: log10 v over [log10 0.25, 0] onto [256, 48]: 1 at the
        // top, 0.5 halfway (152), 0.25 at the bottom.
        assertTrue(svg.contains("<rect x=\"64.0\" y=\"48.0\""), svg);
        assertTrue(svg.contains("64.0,48.0 344.0,152.0 624.0,256.0"), svg);
        assertTrue(new SvgLineChart("empty", "step", "loss", false).svg().contains("no data"));
    }

    @Test
    void theLegendStaysAboveThePlotAreaAndWraps() {
        SvgLineChart chart = new SvgLineChart("many", "step", "loss", false);
        for (int k = 0; k < 6; k++)
            chart.add(new LogSeries("a rather long series name " + k, new double[]{0, 10}, new double[]{k, k + 1}));
        String svg = chart.svg();
        Matcher rect = Pattern.compile("<rect x=\"64.0\" y=\"([0-9.]+)\"").matcher(svg);
        assertTrue(rect.find(), svg);
        double top = Double.parseDouble(rect.group(1));
        Matcher label = Pattern.compile("<text x=\"([0-9.]+)\" y=\"([0-9.]+)\"[^>]*>a rather long").matcher(svg);
        List<Double> ys = new java.util.ArrayList<>();
        while (label.find()) {
            ys.add(Double.parseDouble(label.group(2)));
            assertTrue(Double.parseDouble(label.group(1)) < SvgLineChart.WIDTH - 100, "inside the width: " + svg);
        }
        assertEquals(6, ys.size());
        assertTrue(ys.stream().allMatch(y -> y < top), "every legend label above the plot area at " + top + ": " + ys);
        assertTrue(ys.stream().distinct().count() >= 2, "wrapped onto a second row: " + ys);
    }

    /** Tick values (10^t of a log axis) rounded to 1e-6. */
    private static List<Double> values(List<Double> logTicks) {
        return logTicks.stream().map(v -> (double) Math.round(Math.pow(10, v) * 1e6) / 1e6).toList();
    }
}
