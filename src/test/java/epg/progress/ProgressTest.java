// epg.progress.Progress: the bar is drawn from the first step on; without a terminal, a plain line every tenth.
package epg.progress;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProgressTest {
    @Test
    void firstStepDrawsTheBar() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        Progress p = new Progress("train", 10, new PrintStream(buf, true, StandardCharsets.UTF_8), Progress.Style.BAR);
        p.step();
        String out = buf.toString(StandardCharsets.UTF_8);
        assertTrue(out.startsWith("\rtrain [===>") && out.contains(" 1/10 "), out);
        p.step(); // within 200 ms of the last draw: not redrawn
        assertEquals(out, buf.toString(StandardCharsets.UTF_8));
    }

    @Test
    void withoutATerminalAPlainLineEveryTenth() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        Progress p = new Progress("sample", 100, new PrintStream(buf, true, StandardCharsets.UTF_8),
                Progress.Style.LINES);
        p.steps(100);
        p.finish();
        String out = buf.toString(StandardCharsets.UTF_8);
        assertFalse(out.contains("\r"), out);
        java.util.List<String> lines = out.lines().toList();
        assertEquals(10, lines.size(), out); // 10%, 20%, ..., 90% and the final line
        assertTrue(lines.get(0).startsWith("sample 10/100 (10%) "), out);
        assertTrue(lines.get(9).startsWith("sample 100/100 (100%) ") && lines.get(9).contains(" done in "), out);
    }

    @Test
    void clock() {
        assertEquals("1:05", Progress.clock(65));
        assertEquals("1:00:00", Progress.clock(3600));
    }
}
