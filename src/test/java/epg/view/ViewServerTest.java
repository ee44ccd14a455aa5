// docs/view.md: `epg view` over HTTP against a real server on an ephemeral port: every endpoint, bad input, traversal.
package epg.view;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import epg.TestSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

class ViewServerTest {
    @TempDir static Path tmp;
    static Path runs;
    static ViewServer server;
    static HttpTestClient http;

    @BeforeAll
    static void start() throws Exception {
        runs = ViewFixtures.runs(tmp);
        server = ViewServer.start(new ViewOptions(List.of(runs), "127.0.0.1", 0, 3, 60_000));
        http = new HttpTestClient(server.port());
    }

    @AfterAll
    static void stop() { server.close(); }

    @Test
    void thePageAndItsScriptsComeFromTheJar() throws IOException {
        HttpTestClient.Reply page = http.get("/");
        assertEquals(200, page.status());
        assertTrue(page.text().contains("<script src=\"/assets/uPlot.iife.min.js\">"), page.text());
        assertTrue(page.headers().get("content-security-policy").contains("default-src 'self'"));
        HttpTestClient.Reply uplot = http.get("/assets/uPlot.iife.min.js");
        assertEquals(200, uplot.status());
        assertTrue(uplot.text().contains("uPlot"), "the WebJar's script");
        assertEquals("text/javascript; charset=utf-8", uplot.headers().get("content-type"));
        assertEquals(200, http.get("/assets/app.js").status());
        assertEquals(200, http.get("/assets/uPlot.min.css").status());
        assertEquals(404, http.get("/assets/nothing.js").status());
        assertEquals(404, http.get("/secret.txt").status());
        assertEquals(405, http.send("POST", "/", "application/json", new byte[0], Map.of()).status());
        assertEquals("nosniff", page.headers().get("x-content-type-options"));
    }

    @Test
    void theRunListFindsEveryRunWithItsKindAndLastStep() throws IOException {
        JsonObject o = http.get("/api/runs").json();
        assertEquals(runs.toString(), o.getAsJsonArray("roots").get(0).getAsJsonObject().get("name").getAsString());
        Map<String, JsonObject> byPath = new java.util.HashMap<>();
        for (var r : o.getAsJsonArray("runs")) byPath.put(r.getAsJsonObject().get("path").getAsString(),
                r.getAsJsonObject());
        assertEquals("demo", byPath.get("demo").get("kind").getAsString());
        assertEquals("pretrain", byPath.get("demo/rcm").get("kind").getAsString());
        assertEquals(10, byPath.get("demo/rcm").get("lastStep").getAsLong());
        assertEquals("consistency", byPath.get("demo/consistency").get("kind").getAsString());
        assertEquals(4, byPath.get("demo/consistency").get("lastStep").getAsLong());
        assertEquals(4, byPath.get("demo/consistency").get("steps").getAsLong());
        assertEquals("diffusion", byPath.get("demo/diffusion").get("kind").getAsString());
        assertEquals("run", byPath.get("demo/broken").get("kind").getAsString(), "config.json does not parse");
        assertEquals(3, byPath.get("demo/broken").get("lastStep").getAsLong(), "the last complete good line");
        assertEquals("samples", byPath.get("demo/samples/one").get("kind").getAsString());
        assertFalse(byPath.containsKey("escape"), "a linked folder is not walked into");
        assertFalse(byPath.keySet().stream().anyMatch(p -> p.contains("checkpoints")));
    }

    @Test
    void runDetailsShowPreviewsCheckpointsModelsAndEvaluations() throws IOException {
        JsonObject d = http.get("/api/run?root=0&path=demo/consistency").json();
        JsonArray previews = d.getAsJsonArray("previews");
        assertEquals(2, previews.size());
        assertEquals(2, previews.get(0).getAsJsonObject().get("step").getAsLong());
        assertEquals(4, previews.get(1).getAsJsonObject().get("step").getAsLong());
        String url = previews.get(1).getAsJsonObject().get("url").getAsString();
        assertEquals("/files/0/demo/consistency/previews/step-0000004.png", url);
        HttpTestClient.Reply png = http.get(url);
        assertEquals(200, png.status());
        assertEquals("image/png", png.headers().get("content-type"));
        JsonArray cps = d.getAsJsonArray("checkpoints");
        assertEquals(2, cps.size());
        assertTrue(cps.get(0).getAsJsonObject().get("complete").getAsBoolean());
        assertTrue(cps.get(0).getAsJsonObject().get("latest").getAsBoolean());
        assertEquals(100 + "{\"step\": 2}".length(), cps.get(0).getAsJsonObject().get("bytes").getAsLong(),
                "ema file + state.json");
        assertFalse(cps.get(1).getAsJsonObject().get("complete").getAsBoolean(), "step 4 has no state.json yet");
        JsonObject model = d.getAsJsonArray("models").get(0).getAsJsonObject();
        assertEquals("demo/consistency/model.safetensors", model.get("path").getAsString());
        assertEquals("EPG-tiny", model.get("preset").getAsString());
        assertEquals("consistency", model.get("parameterisation").getAsString());
        assertEquals("class 3", model.getAsJsonArray("classNames").get(3).getAsString());
        assertEquals("CONSISTENCY", d.getAsJsonObject("config").getAsJsonObject("value").get("task").getAsString());

        JsonObject broken = http.get("/api/run?root=0&path=demo/broken").json();
        assertTrue(broken.getAsJsonObject("config").get("error").getAsString().contains("not a JSON object"));
        String problem = broken.getAsJsonArray("models").get(0).getAsJsonObject().get("problem").getAsString();
        assertTrue(problem.contains("truncated"), problem);
        assertEquals(0, http.get("/api/run?root=0&path=demo/rcm").json().getAsJsonArray("models").size(),
                "an RCM encoder is no model to sample");
        JsonObject demo = http.get("/api/run?root=0&path=demo").json();
        assertEquals(1.0, demo.getAsJsonObject("demo").getAsJsonObject("value").get("budgetMinutes").getAsDouble());
        JsonObject eval = demo.getAsJsonArray("evaluations").get(0).getAsJsonObject();
        assertEquals("demo/samples/one/samples.eval.json", eval.get("file").getAsString());
        assertEquals(12.5, eval.getAsJsonObject("value").get("fid").getAsDouble());
        assertEquals("grid.png", http.get("/api/run?root=0&path=demo/samples/one").json().getAsJsonArray("images")
                .get(0).getAsJsonObject().get("name").getAsString());
    }

    @Test
    void theLogEndpointReportsBadLinesAndLeavesAHalfWrittenOne() throws IOException {
        JsonObject c = http.get("/api/log?root=0&path=demo/broken").json();
        // lines: 1 good, 2 text, 3 an array, 4 no step, 5 loss NaN (its step kept, the value left out),
        // 6 good with a key no earlier line has, 7 half written
        assertEquals(List.of(1.0, 2.0, 3.0), doubles(c.getAsJsonArray("steps")));
        JsonArray loss = c.getAsJsonObject("series").getAsJsonArray("loss");
        assertEquals(2.0, loss.get(0).getAsDouble());
        assertTrue(loss.get(1).isJsonNull(), "NaN is no point");
        assertEquals(1.5, loss.get(2).getAsDouble());
        List<Long> bad = new ArrayList<>();
        for (var p : c.getAsJsonArray("malformed")) bad.add(p.getAsJsonObject().get("line").getAsLong());
        assertEquals(List.of(2L, 3L, 4L), bad);
        assertEquals(5, c.getAsJsonArray("nonFinite").get(0).getAsJsonObject().get("line").getAsLong());
        assertEquals("{\"step\":4,\"lo".length(), c.get("pendingBytes").getAsLong());
        assertEquals(7, c.get("nextLine").getAsLong());
        assertEquals(0.25, c.getAsJsonObject("series").getAsJsonArray("new_term").get(2).getAsDouble());
        assertTrue(c.getAsJsonObject("series").getAsJsonArray("new_term").get(0).isJsonNull());
        assertEquals(404, http.get("/api/log?root=0&path=demo/nothing").status());
        assertEquals(400, http.get("/api/log?root=0&path=demo/rcm&from=-1").status());
        assertEquals(400, http.get("/api/log?root=0&path=demo/rcm&from=abc").status());
        JsonObject empty = http.get("/api/log?root=0&path=demo/samples/one").json();
        assertEquals(0, empty.getAsJsonArray("steps").size(), "a folder without a log reads as empty");
    }

    private static List<Double> doubles(JsonArray a) {
        List<Double> out = new ArrayList<>();
        a.forEach(e -> out.add(e.getAsDouble()));
        return out;
    }

    @Test
    void traversalAttemptsAreRefused() throws IOException {
        String[] attempts = {"../secret/secret.txt", "%2e%2e/secret/secret.txt", "%2E%2E%2Fsecret%2Fsecret.txt",
                "..%2fsecret%2fsecret.txt", "demo/../../secret/secret.txt", "demo/%2e%2e/%2e%2e/secret/secret.txt",
                "/" + tmp.resolve("secret/secret.txt"), "%2F" + tmp.resolve("secret/secret.txt").toString()
                .substring(1).replace("/", "%2F"), "escape.txt", "escape/secret.txt", "./escape.txt",
                "..%5csecret%5csecret.txt", "%252e%252e/secret/secret.txt", "demo%00/x"};
        for (String a : attempts) {
            HttpTestClient.Reply r = http.get("/files/0/" + a);
            assertTrue(r.status() == 400 || r.status() == 403 || r.status() == 404, a + " -> " + r.status());
            assertFalse(r.text().contains(ViewFixtures.SECRET), a + " leaked the file");
            assertTrue(r.json().get("error").getAsString().length() > 10, "a reason for " + a);
        }
        assertEquals(403, http.get("/files/0/../secret/secret.txt").status());
        assertEquals(403, http.get("/files/0/%2e%2e/secret/secret.txt").status());
        assertEquals(403, http.get("/files/0/escape.txt").status(), "a link that leads out");
        assertEquals(403, http.get("/files/0/escape/secret.txt").status(), "a folder link that leads out");
        assertEquals(403, http.get("/files/0//etc/passwd").status(), "absolute");
        assertEquals(403, http.get("/files/0/%2Fetc%2Fpasswd").status(), "absolute, encoded");
        assertEquals(404, http.get("/files/0/%252e%252e/secret/secret.txt").status(), "double encoding is a name");
        assertEquals(400, http.get("/files/0/demo%00/x").status(), "NUL");
        assertEquals(403, http.get("/files/0/demo/consistency/model.safetensors").status(), "model files not served");
        assertEquals(404, http.get("/files/7/demo/demo.json").status(), "no such root");
        assertEquals(403, http.get("/api/run?root=0&path=..").status());
        assertEquals(403, http.get("/api/run?root=0&path=%2Ftmp").status());
        assertEquals(403, http.get("/api/run?root=0&path=escape").status());
        assertEquals(403, http.get("/api/log?root=0&path=escape").status());
        HttpTestClient.Reply linked = http.get("/api/run?root=0&path=demo/linked");
        assertEquals(200, linked.status());
        assertFalse(linked.text().contains(ViewFixtures.SECRET), "a linked config.json is not followed");
        assertTrue(linked.json().getAsJsonObject("config").get("error").getAsString().contains("a link"));
        assertEquals(403, http.get("/api/log?root=0&path=demo/linked").status(), "a linked log.jsonl");
        assertFalse(http.get("/api/runs").text().contains(ViewFixtures.SECRET));
        assertEquals(403, http.postJson("/api/sample", "{\"model\": \"../x.safetensors\"}").status());
        HttpTestClient.Reply ok = http.get("/files/0/demo/demo.json");
        assertEquals(200, ok.status(), "an ordinary file is served");
        HttpTestClient.Reply report = http.get("/files/0/demo/samples/one/samples.eval.json");
        assertEquals(200, report.status());
    }

    @Test
    void badRequestsGetClear4xx() throws IOException {
        String model = "\"root\": 0, \"model\": \"demo/consistency/model.safetensors\"";
        assertEquals(415, http.send("POST", "/api/sample", "text/plain", "{}".getBytes(), Map.of()).status());
        HttpTestClient.Reply big = http.postJson("/api/sample", "{\"seeds\": \"" + "1,".repeat(10_000) + "1\"}");
        assertEquals(413, big.status());
        assertTrue(big.error().contains("16384"), big.error());
        assertError(400, "{not json", "must be a JSON object");
        assertError(400, "{" + model + ", \"color\": 1}", "unknown field 'color'");
        assertError(400, "{" + model + ", \"seeds\": \"0-99\"}", "more than 64 seeds");
        assertError(400, "{" + model + ", \"seeds\": \"a-b\"}", "bad seed list");
        assertError(400, "{" + model + ", \"steps\": 500}", "steps must be in 2..128");
        assertError(400, "{" + model + ", \"steps\": \"many\"}", "steps must be a number");
        assertError(400, "{" + model + ", \"cfg\": -1}", "cfg must be in 0..20");
        assertError(400, "{" + model + ", \"cfgLow\": 2, \"cfgHigh\": 1}", "guidance interval");
        assertError(400, "{" + model + ", \"sampler\": \"ddim\"}", "unknown sampler 'ddim'");
        assertError(400, "{" + model + ", \"classes\": [7]}", "class 7 outside 0..4");
        assertError(400, "{" + model + ", \"classes\": [1.5]}", "integer class ids");
        assertError(400, "{\"root\": 0}", "missing field 'model'");
        assertError(404, "{\"root\": 0, \"model\": \"demo/none.safetensors\"}", "nothing at");
        assertError(404, "{\"root\": 3, \"model\": \"demo/consistency/model.safetensors\"}", "no served directory");
        assertError(400, "{\"root\": 0, \"model\": \"demo/demo.json\"}", "not a model file");
        assertError(400, "{\"root\": 0, \"model\": \"demo/rcm/encoder.safetensors\"}", "holds no EPG model");
        assertError(409, "{\"root\": 0, \"model\": \"demo/broken/model.safetensors\"}", "truncated");
        assertEquals(405, http.get("/api/sample").status());
        assertEquals(404, http.get("/api/jobs/0123456789abcdef").status());
        assertEquals(404, http.get("/api/runsx").status());
        assertEquals(414, http.get("/api/runs?x=" + "a".repeat(5000)).status());
        HttpTestClient.Reply rebinding = http.send("GET", "/api/runs", null, null, Map.of("Host", "evil.example:80"));
        assertEquals(403, rebinding.status(), "a page reaching us under another name (DNS rebinding)");
        assertEquals(0, server.queue().pending(), "no refused request was queued");
    }

    private static void assertError(int status, String body, String message) throws IOException {
        HttpTestClient.Reply r = http.postJson("/api/sample", body);
        assertEquals(status, r.status(), body + " -> " + r.text());
        assertTrue(r.error().contains(message), body + " -> " + r.error());
    }

    @Test
    void aOneStepSampleIsTheImageOfTheCommandItPrints() throws Exception {
        JsonObject done = sample("{\"root\": 0, \"model\": \"demo/consistency/model.safetensors\", \"seeds\": "
                + "\"3,5-7\", \"classes\": [1, 2], \"sampler\": \"onestep\"}");
        JsonObject result = done.getAsJsonObject("result");
        assertEquals(4, result.getAsJsonArray("images").size());
        assertEquals(1, result.get("nfePerImage").getAsLong());
        assertFalse(result.has("trajectory"), "one step has no trajectory");
        String command = done.get("command").getAsString();
        assertEquals("epg sample " + runs.resolve("demo/consistency/model.safetensors") + " --seeds 3,5-7 --labels "
                + "1,2 --sampler onestep --points 32 --cfg 1 --cfg-interval 0.19,1.61 --batch 16 --out "
                + done.get("out").getAsString(), command);
        Path out = runCommand(command, "onestep");
        assertArrayEquals(Files.readAllBytes(out.resolve("grid.png")), png(result.get("grid").getAsString()));
        JsonObject second = result.getAsJsonArray("images").get(1).getAsJsonObject();
        assertEquals(5, second.get("seed").getAsLong());
        assertEquals(2, second.get("label").getAsInt(), "classes cycle: 1, 2, 1, 2");
        assertEquals("000005.png", second.get("file").getAsString());
        assertArrayEquals(Files.readAllBytes(out.resolve("000005.png")), png(second.get("url").getAsString()));
    }

    @Test
    void aGuidedHeunSampleHasItsTrajectoryAndReproduces() throws Exception {
        JsonObject done = sample("{\"root\": 0, \"model\": \"demo/diffusion/model.safetensors\", \"seeds\": \"0-17\", "
                + "\"sampler\": \"heun\", \"steps\": 6, \"cfg\": 2.5, \"classes\": [4]}");
        JsonObject result = done.getAsJsonObject("result");
        // Heun-6: 2·5 calls; one grid point lies in (0.19, 1.61] (SampleCommandTest): NFE 12
        assertEquals(12, result.get("nfePerImage").getAsLong());
        JsonObject t = result.getAsJsonObject("trajectory");
        List<Double> sigmas = new ArrayList<>();
        t.getAsJsonArray("sigmas").forEach(e -> sigmas.add(e.getAsDouble()));
        assertEquals(6, sigmas.size(), "one prediction per grid point");
        assertEquals(80.0, sigmas.get(0), 1e-9);
        assertEquals(0.002, sigmas.get(5), 1e-12);
        assertEquals(4, t.get("rows").getAsInt());
        var strip = javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(png(t.get("url").getAsString())));
        assertEquals(6 * (8 + 2) - 2, strip.getWidth());
        assertEquals(4 * (8 + 2) - 2, strip.getHeight());
        assertEquals("unconditional", result.getAsJsonArray("images").get(0).getAsJsonObject().get("className")
                .getAsString(), "class 4 of a 4-class model");
        Path out = runCommand(done.get("command").getAsString(), "heun");
        assertArrayEquals(Files.readAllBytes(out.resolve("grid.png")), png(result.get("grid").getAsString()),
                "18 images in batches of 16 and 2, as the command draws them");
    }

    @Test
    void concurrentRequestsQueueUpToTheLimitAndEachGetsItsOwnImages() throws Exception {
        String one = "{\"root\": 0, \"model\": \"demo/consistency/model.safetensors\", \"sampler\": \"onestep\", "
                + "\"seeds\": \"%d\"}";
        byte[] alone = png(sample(String.format(one, 11)).getAsJsonObject("result").get("grid").getAsString());
        server.queue().hold(true);
        List<HttpTestClient.Reply> replies = new ArrayList<>();
        try {
            List<Thread> threads = new ArrayList<>();
            for (int k = 0; k < 6; k++) {
                int seed = 10 + k;
                Thread t = new Thread(() -> {
                    try {
                        HttpTestClient.Reply r = http.postJson("/api/sample", String.format(one, seed));
                        synchronized (replies) { replies.add(r); }
                    } catch (IOException e) {
                        throw new RuntimeException(e);
                    }
                });
                threads.add(t);
                t.start();
            }
            for (Thread t : threads) t.join();
        } finally {
            server.queue().hold(false);
        }
        List<HttpTestClient.Reply> accepted = replies.stream().filter(r -> r.status() == 202).toList();
        assertEquals(3, accepted.size(), "the queue holds 3");
        for (HttpTestClient.Reply r : replies) {
            if (r.status() == 202) continue;
            assertEquals(429, r.status());
            assertTrue(r.error().contains("queue is full (3 requests)"), r.error());
        }
        for (HttpTestClient.Reply r : accepted) {
            JsonObject done = await(r.json().get("id").getAsString());
            assertEquals("done", done.get("state").getAsString(), done.toString());
            long seed = done.getAsJsonObject("result").getAsJsonArray("images").get(0).getAsJsonObject().get("seed")
                    .getAsLong();
            byte[] grid = png(done.getAsJsonObject("result").get("grid").getAsString());
            if (seed == 11) assertArrayEquals(alone, grid, "seed 11 as when sampled alone");
            else assertFalse(Arrays.equals(alone, grid), "seed " + seed + " is its own image");
        }
        assertEquals(0, server.queue().pending());
    }

    @Test
    void closingTheEventStreamCancelsTheJob() throws Exception {
        server.queue().hold(true);
        String id;
        try {
            HttpTestClient.Reply r = http.postJson("/api/sample", "{\"root\": 0, \"model\": "
                    + "\"demo/consistency/model.safetensors\", \"sampler\": \"onestep\"}");
            assertEquals(202, r.status(), r.text());
            id = r.json().get("id").getAsString();
            try (java.net.Socket s = new java.net.Socket("127.0.0.1", server.port())) {
                s.getOutputStream().write(("GET /api/jobs/" + id + "/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                        .getBytes(StandardCharsets.ISO_8859_1));
                var in = s.getInputStream();
                assertEquals("HTTP/1.1 200 OK", HttpTestClient.line(in));
                String l;
                while ((l = HttpTestClient.line(in)) != null && !l.startsWith("data: ")) {
                    if (l.startsWith("event:")) assertEquals("event: status", l);
                }
                assertNotNull(l);
                assertTrue(l.contains("\"state\":\"queued\""), l);
                assertEquals(409, http.get("/api/jobs/" + id + "/events").status(), "one watcher per job");
            }
            JsonObject after = await(id);
            assertEquals("cancelled", after.get("state").getAsString());
            assertEquals("the page was closed", after.get("message").getAsString());
            assertEquals(409, http.get("/api/jobs/" + id + "/grid.png").status(), "no images");
        } finally {
            server.queue().hold(false);
        }
        HttpTestClient.Reply r = http.postJson("/api/sample", "{\"root\": 0, \"model\": "
                + "\"demo/consistency/model.safetensors\", \"sampler\": \"onestep\"}");
        id = r.json().get("id").getAsString();
        HttpTestClient.Reply cancelled = http.send("POST", "/api/jobs/" + id + "/cancel", null, null, Map.of());
        assertEquals(200, cancelled.status());
        String state = await(id).get("state").getAsString();
        assertTrue(state.equals("cancelled") || state.equals("done"), "cancelled, unless it finished first: "
                + state);
    }

    @Test
    void aJobNobodyWatchesIsDropped() throws Exception {
        try (ViewServer s = ViewServer.start(new ViewOptions(List.of(runs), "127.0.0.1", 0, 2, 1))) {
            HttpTestClient c = new HttpTestClient(s.port());
            s.queue().hold(true);
            HttpTestClient.Reply r = c.postJson("/api/sample", "{\"root\": 0, \"model\": "
                    + "\"demo/consistency/model.safetensors\", \"sampler\": \"onestep\"}");
            String id = r.json().get("id").getAsString();
            Thread.sleep(20); // past the 1 ms lease
            s.queue().hold(false);
            SampleJob job = s.queue().job(id);
            long end = System.currentTimeMillis() + 60_000;
            while (!job.state().finished() && System.currentTimeMillis() < end) Thread.sleep(10);
            assertEquals(SampleJob.State.CANCELLED, job.state());
            assertTrue(job.toJson(0).get("message").getAsString().contains("nobody is watching"));
        }
    }

    @Test
    void aRunDirectoryGrowingWhileWatchedIsReadLineByLine() throws Exception {
        Path run = runs.resolve("live");
        assertFalse(paths().contains("live"));
        ViewFixtures.write(run.resolve("config.json"), "{\"task\": \"DIFFUSION\", \"steps\": 40}");
        Files.writeString(run.resolve("log.jsonl"), "");
        assertTrue(paths().contains("live"), "a new run appears in the list");
        List<Double> seen = new ArrayList<>();
        long from = 0, line = 1;
        String version = "";
        Path log = run.resolve("log.jsonl");
        for (int s = 1; s <= 40; s++) {
            String full = "{\"step\":" + s + ",\"loss\":" + (1.0 / s) + ",\"timestamp\":" + (1.7e9 + s) + "}\n";
            int cut = s % 3 == 0 ? full.length() / 2 : full.length();
            Files.writeString(log, full.substring(0, cut), java.nio.file.StandardOpenOption.APPEND);
            JsonObject c = http.get("/api/log?root=0&path=live&from=" + from + "&line=" + line + "&version="
                    + java.net.URLEncoder.encode(version, StandardCharsets.UTF_8)).json();
            if (cut < full.length()) {
                assertEquals(cut, c.get("pendingBytes").getAsLong(), "half a line waits");
                Files.writeString(log, full.substring(cut), java.nio.file.StandardOpenOption.APPEND);
            }
            c.getAsJsonArray("steps").forEach(e -> seen.add(e.getAsDouble()));
            assertEquals(0, c.getAsJsonArray("malformed").size(), c.toString());
            from = c.get("next").getAsLong();
            line = c.get("nextLine").getAsLong();
            version = c.get("version").getAsString();
        }
        JsonObject last = http.get("/api/log?root=0&path=live&from=" + from + "&line=" + line + "&version="
                + java.net.URLEncoder.encode(version, StandardCharsets.UTF_8)).json();
        last.getAsJsonArray("steps").forEach(e -> seen.add(e.getAsDouble()));
        List<Double> want = new ArrayList<>();
        for (int s = 1; s <= 40; s++) want.add((double) s);
        assertEquals(want, seen, "every line once, in order");
        assertEquals(41, last.get("nextLine").getAsLong());
        assertEquals(40, runEntry("live").get("lastStep").getAsLong());
        // a resumed run rewrites its log (atomically: a new file): the reader starts over
        epg.tensor.AtomicFile.writeString(log, "{\"step\":1,\"loss\":1.0}\n");
        JsonObject again = http.get("/api/log?root=0&path=live&from=" + from + "&line=" + line + "&version="
                + java.net.URLEncoder.encode(version, StandardCharsets.UTF_8)).json();
        assertTrue(again.get("reset").getAsBoolean());
        assertEquals(List.of(1.0), doubles(again.getAsJsonArray("steps")));
        assertEquals(2, again.get("nextLine").getAsLong());
    }

    private static List<String> paths() throws IOException {
        List<String> out = new ArrayList<>();
        http.get("/api/runs").json().getAsJsonArray("runs").forEach(r -> out.add(r.getAsJsonObject().get("path")
                .getAsString()));
        return out;
    }

    private static JsonObject runEntry(String path) throws IOException {
        for (var r : http.get("/api/runs").json().getAsJsonArray("runs"))
            if (r.getAsJsonObject().get("path").getAsString().equals(path)) return r.getAsJsonObject();
        throw new AssertionError("no run " + path);
    }

    @Test
    void theModelListHasEveryEpgModelAndTheProblemOfAHalfWrittenOne() throws IOException {
        JsonObject o = http.get("/api/models").json();
        List<String> paths = new ArrayList<>();
        String problem = null;
        for (var m : o.getAsJsonArray("models")) {
            paths.add(m.getAsJsonObject().get("path").getAsString());
            if (m.getAsJsonObject().has("problem")) problem = m.getAsJsonObject().get("problem").getAsString();
        }
        assertEquals(List.of("demo/broken/model.safetensors", "demo/consistency/model.safetensors",
                "demo/diffusion/model.safetensors"), paths);
        assertNotNull(problem);
        assertTrue(problem.contains("truncated"), problem);
        assertEquals(7, o.getAsJsonArray("samplers").size());
        assertEquals(64, o.getAsJsonObject("limits").get("images").getAsInt());
    }

    /** Posts a request, waits for its job (asking, which keeps it alive) and returns the finished job. */
    private static JsonObject sample(String body) throws Exception {
        HttpTestClient.Reply r = http.postJson("/api/sample", body);
        assertEquals(202, r.status(), r.text());
        assertTrue(r.headers().get("location").startsWith("/api/jobs/"));
        JsonObject done = await(r.json().get("id").getAsString());
        assertEquals("done", done.get("state").getAsString(), done.toString());
        return done;
    }

    static JsonObject await(String id) throws Exception {
        long end = System.currentTimeMillis() + 120_000;
        while (System.currentTimeMillis() < end) {
            JsonObject j = http.get("/api/jobs/" + id).json();
            if (List.of("done", "failed", "cancelled").contains(j.get("state").getAsString())) return j;
            Thread.sleep(10);
        }
        fail("job " + id + " did not finish in 2 minutes");
        return null;
    }

    private static byte[] png(String url) throws IOException {
        HttpTestClient.Reply r = http.get(url);
        assertEquals(200, r.status(), url + ": " + r.text());
        assertEquals("image/png", r.headers().get("content-type"));
        return r.body();
    }

    /** Runs the page's command line (its --out moved into the test folder); returns the output folder. */
    private static Path runCommand(String command, String name) {
        List<String> args = new ArrayList<>(Arrays.asList(command.split(" ")));
        assertEquals("epg", args.remove(0));
        Path out = tmp.resolve("cli-" + name);
        args.set(args.indexOf("--out") + 1, out.toString());
        TestSupport.Cli r = TestSupport.cli(args.toArray(String[]::new));
        assertEquals(0, r.code(), r.err());
        return out;
    }
}
