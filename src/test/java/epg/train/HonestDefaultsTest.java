// Honest defaults: an EMA longer than the run is warned about (console and config.json); a log gets no bar redraws.
package epg.train;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import epg.TestSupport;
import epg.TinyRuns;
import epg.data.IdxFiles;
import epg.progress.Progress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HonestDefaultsTest {
    @TempDir Path tmp;

    @Test
    void theQuickStartsEmaIsNamedWithItsShareOfInitialWeights() {
        // 0.9999^4000 = exp(4000·ln 0.9999) = exp(-0.400020) = 0.670307; time constant 10,000; 1 − 10/4000 = 0.9975
        String w = EmaHorizon.warning("--ema", "the EMA weights", 0.9999, 4000).orElseThrow();
        assertTrue(w.startsWith("--ema 0.9999 averages over 10,000 steps, longer than this run's 4,000: 67% of the EMA "
                + "weights will still be the initial weights (0.9999^4000); for a run this short try --ema 0.9975"), w);
        assertEquals(0.670307, EmaHorizon.initialShare(0.9999, 4000), 1e-6);
        assertTrue(EmaHorizon.warning("--ema", "x", 0.9975, 4000).isEmpty(), "400 steps fit in 4,000");
        assertTrue(EmaHorizon.warning("--momentum", "x", 0.99, 100).isEmpty(), "a time constant of 100 fits 100 steps");
        assertTrue(EmaHorizon.warning("--momentum", "x", 0.99, 99).isPresent());
        assertTrue(EmaHorizon.warning("--ema", "x", 0, 1).isEmpty(), "rate 0: no averaging");
    }

    @Test
    void trainingWarnsOnceAndRecordsTheWarningAndItsLogHasNoRedraws() throws Exception {
        TinyRuns.oneThread();
        String data = IdxFiles.fashionMnistLayout(tmp.resolve("data")).toString();
        String[] common = {"train", "--task", "diffusion", "--init", "scratch", "--preset", "EPG-T/8", "--data", data,
                "--steps", "20", "--batch", "2", "--warmup", "1", "--log-every", "10", "--workers", "1", "--threads",
                "1", "--checkpoint-every", "20", "--preview-every", "0"};
        TestSupport.Cli r = TestSupport.cli(concat(common, "--out", tmp.resolve("a").toString()));
        assertEquals(0, r.code(), r.err());
        assertEquals(1, r.err().lines().filter(l -> l.startsWith("warning: --ema 0.9999 averages over 10,000 steps, "
                + "longer than this run's 20: 100% of")).count(), r.err());
        JsonObject inv = config(tmp.resolve("a")).getAsJsonArray(RunDir.INVOCATIONS).get(0).getAsJsonObject();
        assertTrue(inv.getAsJsonArray("warnings").get(0).getAsString().startsWith("--ema 0.9999"), inv + "");

        // stderr is no terminal here: progress as a few plain lines, no carriage-return redraws
        Path log = tmp.resolve("train.log");
        Files.writeString(log, r.out() + r.err());
        String text = Files.readString(log, StandardCharsets.UTF_8);
        assertFalse(text.contains("\r"), text);
        assertTrue(Files.size(log) < 2500, Files.size(log) + " bytes:\n" + text);
        assertTrue(text.contains("train 20/20 (100%)") && text.contains("train 10/20 (50%)"), text);

        // an EMA that fits the run: no warning, no warnings key; a forced bar redraws with carriage returns
        System.setProperty(Progress.PROPERTY, "bar");
        try {
            r = TestSupport.cli(concat(common, "--ema", "0.5", "--out", tmp.resolve("b").toString()));
        } finally {
            System.clearProperty(Progress.PROPERTY);
        }
        assertEquals(0, r.code(), r.err());
        assertFalse(r.err().contains("warning"), r.err());
        assertFalse(config(tmp.resolve("b")).getAsJsonArray(RunDir.INVOCATIONS).get(0).getAsJsonObject()
                .has("warnings"));
        assertTrue(r.err().contains("\rtrain ["), r.err());
    }

    private static JsonObject config(Path run) throws Exception {
        return JsonParser.parseString(Files.readString(run.resolve(RunDir.CONFIG))).getAsJsonObject();
    }

    private static String[] concat(String[] a, String... b) {
        String[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
