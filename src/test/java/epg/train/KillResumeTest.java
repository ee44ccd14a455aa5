// docs/reliability.md "fault suite": kill -9 of pre-training and fine-tuning at each phase, then a re-run.
package epg.train;

import epg.FaultSuite;
import epg.TestSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A run killed (SIGKILL, in its own JVM) at a chosen moment and then re-run to its end holds exactly the files of a
 * run that was never interrupted: the same checkpoints, model file, previews and log (timing aside), and nothing
 * else (no temporary files, no half-pruned step directory). Tiny runs: RCM-T and EPG-T (consistency, from scratch)
 * on generated 32 px data, 4 steps, a checkpoint every step, 2 kept, previews at steps 2 and 4.
 */
@Tag("fault")
class KillResumeTest {
    @TempDir static Path tmp;
    static ReferenceRuns ref;

    @BeforeAll
    static void uninterruptedRuns() { ref = ReferenceRuns.make(tmp); }

    @ParameterizedTest(name = "{0}: kill at {1} of *{2} #{3} ({4})")
    @CsvSource({
            "pretrain, beforeRename, step-3/optimizer.safetensors, 1, inside a checkpoint file's write",
            "pretrain, beforeRename, step-3/state.json, 1, inside the write of the file that completes a checkpoint",
            "pretrain, beforeRename, /encoder.safetensors, 4, inside the last write of the model file",
            "pretrain, beforeDelete, step-2/rng.safetensors, 1, while pruning after the last checkpoint",
            "pretrain, afterRename, checkpoints/latest, 4, right after latest names the last step",
            "pretrain, tornAppend, log.jsonl, 3, half-way through a log line",
            "pretrain, afterRename, '', 9, at an arbitrary write",
            "finetune, beforeRename, step-4/ema.safetensors, 1, inside a checkpoint file's write",
            "finetune, beforeRename, /model.safetensors, 4, inside the last write of the model file",
            "finetune, beforeRename, previews/step-0000004.png, 1, inside the last preview's write",
            "finetune, beforeDelete, step-2/online.safetensors, 1, while pruning after the last checkpoint",
            "finetune, afterRename, checkpoints/latest, 2, right after latest names a step with a preview",
            "finetune, afterRename, checkpoints/latest, 4, right after latest names the last step",
            "finetune, afterRename, '', 14, at an arbitrary write",
    })
    void aKilledRunReRunEndsWithTheFilesOfAnUninterruptedOne(String stage, String point, String suffix, int nth,
            String when) throws Exception {
        Path run = tmp.resolve(stage + "-" + point + "-" + suffix.replaceAll("[^A-Za-z0-9]", "_") + "-" + nth);
        FaultSuite.killAt(point, suffix, nth, ref.args(stage, run));
        ok(TestSupport.cli(ref.args(stage, run)));
        FaultSuite.assertSameFiles(ref.reference(stage), run);
    }

    @Test
    void aSecondProcessIsRefusedNamingTheFirstAndAKilledHolderBlocksNothing() throws Exception {
        Path run = tmp.resolve("two-processes");
        FaultSuite.Stopped first = FaultSuite.stopAt("afterRename", "checkpoints/latest", 2,
                ref.args("pretrain", run));
        try {
            for (String every : new String[]{"1", "2"}) {
                String[] a = ref.args("pretrain", run);
                a[Arrays.asList(a).indexOf("--checkpoint-every") + 1] = every;
                TestSupport.Cli r = TestSupport.cli(a);
                assertEquals(1, r.code());
                assertTrue(r.err().contains(run + " is in use by process " + first.process().pid() + " on host "),
                        r.err());
            }
        } finally {
            FaultSuite.kill(first.process());
        }
        ok(TestSupport.cli(ref.args("pretrain", run)));
        FaultSuite.assertSameFiles(ref.pretrain(), run); // every step logged once
    }


    static void ok(TestSupport.Cli r) { ReferenceRuns.ok(r); }
}
