// docs/demo.md matches the code: the stage table's learning rates, loss weights and guidance, the plan's shape.
package epg.demo;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DemoDocsTest {
    private static final Path PAGE = Path.of("docs/demo.md");

    @Test
    void theStageTableStatesDemoConfigsAndDemoPlan() throws Exception {
        List<String> lines = Files.readAllLines(PAGE);
        assertEquals(DemoConfigs.PRETRAIN_LR, number(row(lines, "pretrain"), "lr (\\S+) at batch 1024"));
        assertEquals(DemoConfigs.DIFFUSION_LR, number(row(lines, "diffusion"), "lr (\\S+),"));
        assertEquals(DemoConfigs.DIFFUSION_WEIGHT_FLOOR, number(row(lines, "diffusion"), "floor (\\S+),"));
        assertEquals(DemoConfigs.DIFFUSION_P_MEAN, number(row(lines, "diffusion"), "P_mean (\\S+) \\|"));
        assertEquals(DemoConfigs.CONSISTENCY_LR, number(row(lines, "consistency"), "lr (\\S+),"));
        String sample = row(lines, "sample-diffusion, sample-scratch");
        assertEquals(DemoPlan.HEUN_POINTS, number(sample, "Heun, (\\d+) points"));
        assertEquals(DemoPlan.CFG, number(sample, "guidance w = (\\S+) in"));
        assertEquals(DemoPlan.GUIDANCE_LOW, number(sample, "in \\((\\S+), "));
        assertEquals(DemoPlan.GUIDANCE_HIGH, number(sample, ", (\\S+)\\]·s"));
    }

    @Test
    void thePlanShapeAndFloorsAreDemoPlans() throws Exception {
        String page = Files.readString(PAGE).replaceAll("\\s+", " ");
        assertTrue(page.contains(String.format("(pre-training %d steps, diffusion %d steps each run, consistency %d "
                        + "steps, %d samples per model, %d reference images)", DemoPlan.PRETRAIN, DemoPlan.DIFFUSION,
                DemoPlan.CONSISTENCY, DemoPlan.SAMPLES, DemoPlan.REFERENCE)), "the default plan's shape");
        assertTrue(page.contains(String.format("(training steps %d, samples %d, reference %d;", DemoPlan.MIN_STEPS,
                DemoPlan.MIN_SAMPLES, DemoPlan.MIN_REFERENCE)), "the floors");
        assertTrue(page.contains("batch " + DemoPlan.BATCH + ","), "the batch");
    }

    /** The stage table's row whose stage column is {@code stage}. */
    private static String row(List<String> lines, String stage) {
        return lines.stream().filter(l -> l.matches("\\| [0-9, ]+ \\| " + Pattern.quote(stage) + " \\|.*"))
                .findFirst().orElseThrow(() -> new AssertionError("docs/demo.md has no stage row '" + stage + "'"));
    }

    private static double number(String row, String regex) {
        Matcher m = Pattern.compile(regex).matcher(row);
        assertTrue(m.find(), "'" + regex + "' in " + row);
        return Double.parseDouble(m.group(1));
    }
}
