// epg.progress.Progress: the bar is drawn from the first step on, not only at the end.
package epg.progress;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProgressTest {
    @Test
    void firstStepDrawsTheBar() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        Progress p = new Progress("train", 10, new PrintStream(buf, true, StandardCharsets.UTF_8));
        p.step();
        String out = buf.toString(StandardCharsets.UTF_8);
        assertTrue(out.startsWith("\rtrain [===>") && out.contains(" 1/10 "), out);
        p.step(); // within 200 ms of the last draw: not redrawn
        assertEquals(out, buf.toString(StandardCharsets.UTF_8));
    }

    @Test
    void clock() {
        assertEquals("1:05", Progress.clock(65));
        assertEquals("1:00:00", Progress.clock(3600));
    }
}
