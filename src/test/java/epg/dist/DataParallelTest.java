// docs/distributed.md: 2 processes of batch B equal 1 process of batch 2B; a killed rank stops the job clearly.
package epg.dist;

import epg.tensor.Safetensors;
import epg.tensor.Scope;
import epg.tensor.Torch;
import epg.train.PretrainStage;
import epg.train.Trainer;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DataParallelTest {
    static final int STEPS = 5, BATCH = 8; // 2 ranks × 4 vs 1 process × 8

    @TempDir Path tmp;

    @Test
    void twoProcessesOfBatchBGiveTheWeightsOfOneProcessOfBatch2B() throws Exception {
        Path two = tmp.resolve("two");
        Files.createDirectories(two);
        Launcher job = Launcher.local(2, 60);
        job.start(RankMain.class.getName(), List.of(two.toString(), Long.toString(STEPS), Integer.toString(BATCH)),
                ProcessBuilder.Redirect.appendTo(two.resolve("out.txt").toFile()));
        int status = job.await(30);
        assertEquals(0, status, () -> read(two.resolve("out.txt")));
        try (Scope s = Scope.open()) {
            PretrainStage one = RankMain.train(tmp.resolve("one"), STEPS, BATCH, Distributed.single(),
                    Trainer.Listener.NONE);
            Map<String, Tensor> reference = RankMain.weights(one);
            Map<String, Tensor> rank0 = Safetensors.readTensors(two.resolve("rank-0.safetensors"));
            Map<String, Tensor> rank1 = Safetensors.readTensors(two.resolve("rank-1.safetensors"));
            assertEquals(reference.keySet(), rank0.keySet());
            double worst = 0, worstParam = 0, ranksApart = 0, moved = 0;
            String worstKey = "";
            for (String k : reference.keySet()) {
                if (k.endsWith("num_batches_tracked")) continue;
                double d = maxAbs(reference.get(k), rank0.get(k));
                if (d > worst) { worst = d; worstKey = k; }
                if (!k.contains("running_")) worstParam = Math.max(worstParam, d);
                ranksApart = Math.max(ranksApart, maxAbs(rank0.get(k), rank1.get(k)));
            }
            moved = maxAbs(reference.get("online.pos_embed"),
                    RankMain.weights(new PretrainStage(epg.TinyRuns.config(STEPS, BATCH, true, "constant", 1000)))
                    .get("online.pos_embed"));
            System.out.printf("data parallel: max |2×%d − 1×%d| over weights and BatchNorm statistics = %.3g (%s), "
                    + "over parameters %.3g; ranks differ by %.3g; weights moved %.3g%n",
                    BATCH / 2, BATCH, worst, worstKey, worstParam, ranksApart, moved);
            assertTrue(worst < 1e-5, "2 processes differ from 1 by " + worst + " at " + worstKey);
            assertEquals(0, ranksApart, "the ranks hold different weights");
            assertTrue(moved > 1e-3, "the weights did not move");
            assertNotEquals(0, maxAbs(reference.get("online.projection_head.1.running_mean"), Torch.zeros(64)),
                    "BatchNorm statistics did not update");
        }
    }

    @Test
    void bothFineTuningStagesMatchToo() throws Exception {
        Path two = tmp.resolve("ft");
        Files.createDirectories(two);
        Path encoder = tmp.resolve("encoder.safetensors");
        try (Scope s = Scope.open()) {
            epg.nn.RcmEncoder e = new epg.nn.RcmEncoder(epg.TinyRuns.rcm());
            epg.nn.Init.rcm(e, new epg.tensor.Rng(5));
            epg.nn.ModelFile.save(encoder, e, Map.of());
        }
        Launcher job = Launcher.local(2, 60);
        job.start(FinetuneRankMain.class.getName(), List.of(two.toString(), Long.toString(STEPS),
                Integer.toString(BATCH), encoder.toString()),
                ProcessBuilder.Redirect.appendTo(two.resolve("out.txt").toFile()));
        assertEquals(0, job.await(60), () -> read(two.resolve("out.txt")));
        try (Scope s = Scope.open()) {
            Map<String, Tensor> reference = FinetuneRankMain.train(tmp.resolve("ft-one"), STEPS, BATCH,
                    encoder.toString(), Distributed.single());
            Map<String, Tensor> rank0 = Safetensors.readTensors(two.resolve("finetune-rank-0.safetensors"));
            assertEquals(reference.keySet(), rank0.keySet());
            for (String stage : List.of("diffusion.", "consistency.")) {
                double worst = 0;
                String worstKey = "";
                for (String k : reference.keySet()) {
                    double d = k.startsWith(stage) ? maxAbs(reference.get(k), rank0.get(k)) : 0;
                    if (d > worst) { worst = d; worstKey = k; }
                }
                System.out.printf("data parallel %s max |2×%d − 1×%d| = %.3g at %s%n", stage, BATCH / 2, BATCH, worst,
                        worstKey);
                assertTrue(worst < 1e-5, stage + " 2 processes differ from 1 by " + worst);
                double moved = 0;
                for (String k : reference.keySet())
                    if (k.startsWith(stage + "online.blocks")) moved =
                            Math.max(moved, maxAbs(reference.get(k), reference.get(k.replace("online.", "ema."))));
                assertTrue(moved > 1e-4, stage + " weights did not move: " + moved);
            }
        }
    }

    @Test
    void aKilledRankStopsTheOtherWithAClearErrorWithinTheTimeout() throws Exception {
        Path run = tmp.resolve("killed");
        Files.createDirectories(run);
        Launcher job = Launcher.local(2, 20);
        List<Process> ranks = job.start(RankMain.class.getName(), List.of(run.toString(), "100000",
                Integer.toString(BATCH)), ProcessBuilder.Redirect.PIPE);
        BufferedReader victim = new BufferedReader(new InputStreamReader(ranks.get(1).getInputStream()));
        for (String line; (line = victim.readLine()) != null; ) if (line.equals("step 2")) break;
        long killed = System.nanoTime();
        ranks.get(1).destroyForcibly(); // SIGKILL
        assertTrue(ranks.get(0).waitFor(60, TimeUnit.SECONDS), "rank 0 still runs 60 s after rank 1 was killed");
        double seconds = (System.nanoTime() - killed) / 1e9;
        String out = new String(ranks.get(0).getInputStream().readAllBytes());
        System.out.printf("killed rank: rank 0 stopped %.1f s later with status %d: %s%n", seconds,
                ranks.get(0).exitValue(), out.lines().filter(l -> l.startsWith("error")).findFirst().orElse(""));
        assertEquals(1, ranks.get(0).exitValue(), out);
        assertTrue(out.contains("rank 0 of 2") && out.contains("another rank has stopped"), out);
    }

    /** A rank that hangs (SIGSTOP) instead of dying: the other one gives up after EPG_DIST_TIMEOUT, not never. */
    @Test
    @org.junit.jupiter.api.Tag("slow")
    void aStalledRankStopsTheOtherAfterTheTimeout() throws Exception {
        Path run = tmp.resolve("stalled");
        Files.createDirectories(run);
        Launcher job = Launcher.local(2, 5);
        List<Process> ranks = job.start(RankMain.class.getName(), List.of(run.toString(), "100000",
                Integer.toString(BATCH)), ProcessBuilder.Redirect.PIPE);
        BufferedReader victim = new BufferedReader(new InputStreamReader(ranks.get(1).getInputStream()));
        for (String line; (line = victim.readLine()) != null; ) if (line.equals("step 2")) break;
        long stopped = System.nanoTime();
        assertEquals(0, new ProcessBuilder("kill", "-STOP", Long.toString(ranks.get(1).pid())).start().waitFor());
        try {
            assertTrue(ranks.get(0).waitFor(60, TimeUnit.SECONDS), "rank 0 still runs 60 s after rank 1 stalled");
            double seconds = (System.nanoTime() - stopped) / 1e9;
            String out = new String(ranks.get(0).getInputStream().readAllBytes());
            System.out.printf("stalled rank: rank 0 stopped %.1f s later: %s%n", seconds,
                    out.lines().filter(l -> l.startsWith("error")).findFirst().orElse(""));
            assertEquals(1, ranks.get(0).exitValue(), out);
            assertTrue(out.contains("did not answer within 5 s") && seconds >= 4, out);
        } finally {
            ranks.get(1).destroyForcibly();
        }
    }

    private static double maxAbs(Tensor a, Tensor b) {
        return a.to(org.bytedeco.pytorch.global.torch.ScalarType.Double)
                .sub(b.to(org.bytedeco.pytorch.global.torch.ScalarType.Double)).abs().max().item_double();
    }

    private static String read(Path p) {
        try { return Files.readString(p); } catch (Exception e) { return e.toString(); }
    }
}
