// docs/view.md: the page in a real browser (headless Chromium): live curves with the run's points, a one-step sample.
package epg.view;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Needs Debian's chromium (.ci/run installs it); without it the test is skipped and says so. Chromium runs with
 * virtual time: the page's timers run as fast as its requests allow, so a few seconds of page time cost little.
 * Screenshots go to target/view-runs.png and target/view-playground.png.
 */
class BrowserTest {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    @TempDir static Path tmp;
    static ViewServer server;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(Files.isExecutable(CHROMIUM), "skipped: no Chromium at " + CHROMIUM
                + " (apt-get install chromium; .ci/run does)");
        Path runs = ViewFixtures.runs(tmp);
        server = ViewServer.start(new ViewOptions(List.of(runs), "127.0.0.1", 0, 4, 60_000));
    }

    @AfterAll
    static void stop() {
        if (server != null) server.close();
    }

    @Test
    void theChartsShowTheRunsPoints() throws Exception {
        String dom = chromium("--dump-dom", server.url() + "#runs");
        Matcher loss = Pattern.compile("<div class=\"chart\" data-key=\"loss\" data-points=\"(\\d+)\" "
                + "data-runs=\"(\\d+)\">(.*?)</div></div>", Pattern.DOTALL).matcher(dom);
        assertTrue(loss.find(), "a loss chart: " + excerpt(dom, "charts"));
        // the runs ticked by default: every logged run: rcm 10 lines, consistency 4, diffusion 3, broken 2 (of 3
        // good lines, one has a NaN loss)
        assertEquals(10 + 4 + 3 + 2, Integer.parseInt(loss.group(1)));
        assertEquals(4, Integer.parseInt(loss.group(2)));
        assertTrue(dom.contains("<canvas"), "uPlot drew");
        assertTrue(dom.contains("data-key=\"contrastive\""), "RCM's own term has its chart");
        assertTrue(!dom.contains("data-key=\"timestamp\""), "a timestamp is no curve");
        chromium("--screenshot=" + Path.of("target/view-runs.png").toAbsolutePath(), "--window-size=1400,1200",
                server.url() + "#runs");
    }

    @Test
    void aOneStepSampleAppearsOnThePage() throws Exception {
        String url = server.url() + "#playground&model=0%3Ademo%2Fconsistency%2Fmodel.safetensors&sampler=onestep"
                + "&seeds=0-7&classes=1,2&go=1";
        String dom = chromium("--dump-dom", url);
        Matcher img = Pattern.compile("<img src=\"(/api/jobs/[0-9a-f]{16}/image/(\\d+)\\.png)\"").matcher(dom);
        List<String> images = new ArrayList<>();
        while (img.find()) images.add(img.group(1));
        assertEquals(8, images.size(), excerpt(dom, "pg-status"));
        assertTrue(dom.contains(">Done<"), excerpt(dom, "pg-status"));
        assertTrue(dom.contains("epg sample "), "the command that reproduces the images");
        HttpTestClient.Reply png = new HttpTestClient(server.port()).get(images.get(0));
        assertEquals(200, png.status());
        assertEquals("image/png", png.headers().get("content-type"));
        chromium("--screenshot=" + Path.of("target/view-playground.png").toAbsolutePath(), "--window-size=1400,1000",
                url);
    }

    /** Runs headless Chromium on the page with {@code args}; returns what it printed (the DOM with --dump-dom). */
    static String chromium(String... args) throws IOException, InterruptedException {
        Path profile = Files.createTempDirectory(tmp, "chromium");
        List<String> cmd = new ArrayList<>(List.of(CHROMIUM.toString(), "--headless", "--no-sandbox",
                "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage", "--hide-scrollbars",
                "--user-data-dir=" + profile, "--virtual-time-budget=15000"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectError(tmp.resolve("chromium.log").toFile()).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("chromium did not finish in 2 minutes");
        }
        assertEquals(0, p.exitValue(), () -> "chromium failed: " + read(tmp.resolve("chromium.log")));
        return new String(out, StandardCharsets.UTF_8);
    }

    private static String read(Path f) {
        try {
            return Files.readString(f);
        } catch (IOException e) {
            return e.toString();
        }
    }

    private static String excerpt(String dom, String id) {
        int i = dom.indexOf(id);
        return i < 0 ? dom.substring(0, Math.min(2000, dom.length())) : dom.substring(i, Math.min(dom.length(),
                i + 1500));
    }
}
