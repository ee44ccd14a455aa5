// Command line end to end: `epg pretrain` on Fashion-MNIST, --stop-at resume, `epg inspect rcm-std` and FILE.
package epg.train;

import epg.TinyRuns;
import epg.cli.Main;
import epg.data.IdxFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PretrainCommandTest {
    @TempDir Path tmp;

    @Test
    void theRanksOfNprocRunTheSameCommandLineWithoutIt() {
        assertEquals(java.util.List.of("pretrain", "--out", "x", "--batch", "8"),
                epg.cli.ParallelOptions.withoutNproc(java.util.List.of("pretrain", "--nproc", "2", "--out", "x",
                        "--nproc=3", "--batch", "8")));
        String err = captureErr(() -> assertEquals(1, run("pretrain", "--out", tmp.resolve("n").toString(), "--nproc",
                "3", "--batch", "8")));
        assertTrue(err.contains("--batch 8 does not split over --nproc 3"), err);
    }

    @Test
    void pretrainResumeAndInspect() throws Exception {
        TinyRuns.oneThread();
        String data = IdxFiles.fashionMnistLayout(tmp.resolve("data")).toString();
        String out = tmp.resolve("run").toString();
        String[] common = {"pretrain", "--preset", "RCM-T", "--data", data, "--steps", "3", "--batch", "4", "--warmup",
                "1",
                "--out", out, "--log-every", "1", "--checkpoint-every", "2", "--workers", "1", "--threads", "1"};
        assertEquals(0, run(concat(common, "--stop-at", "2")));
        assertEquals("step-2", Files.readString(Path.of(out, "checkpoints", "latest")).trim());
        String resumed = capture(() -> assertEquals(0, run(common)));
        assertTrue(resumed.contains("resuming at step 2"), resumed);
        assertEquals(3, Files.readAllLines(Path.of(out, "log.jsonl")).size());

        String table = capture(() -> assertEquals(0, run("inspect", "rcm-std", out, "--data", data, "--images", "16",
                "--batch", "8", "--sigmas", "0.002,80")));
        assertTrue(table.contains("1/sqrt(D) = 0.0884"), table);
        String[] rows = table.strip().split("\n");
        assertEquals(4, rows.length, table); // title, header, two noise levels
        for (int r = 2; r < 4; r++) {
            double std = Double.parseDouble(rows[r].trim().split("\\s+")[2]);
            assertTrue(std > 0 && std < 1, rows[r]);
        }
        String keys = capture(() -> assertEquals(0, run("inspect", Path.of(out, "encoder.safetensors").toString())));
        assertTrue(keys.contains("projection_head.0.weight") && keys.contains("\"name\": \"RCM-T\""), keys);
    }

    private static int run(String... args) { return Main.commandLine().execute(args); }

    private static String[] concat(String[] a, String... b) {
        String[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    private static String capture(Runnable r) {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true));
        try { r.run(); } finally { System.setOut(old); }
        return buf.toString();
    }

    private static String captureErr(Runnable r) {
        PrintStream old = System.err;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setErr(new PrintStream(buf, true));
        try { r.run(); } finally { System.setErr(old); }
        return buf.toString();
    }
}
