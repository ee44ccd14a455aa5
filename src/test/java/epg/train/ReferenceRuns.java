// docs/reliability.md "fault suite": the data and the uninterrupted runs an interrupted run must end up equal to.
package epg.train;

import epg.TestSupport;
import epg.TinyRuns;
import epg.data.IdxFiles;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Generated 32 px data (40 training, 10 test images) and one uninterrupted tiny run of each stage on it, made once
 * per test class: RCM-T pre-training and EPG-T consistency from scratch, 4 steps, a checkpoint every step, 2 kept.
 *
 * @param data     the dataset folder
 * @param pretrain the uninterrupted pre-training run
 * @param finetune the uninterrupted fine-tuning run
 */
record ReferenceRuns(String data, Path pretrain, Path finetune) {
    /** Makes the data and both reference runs under {@code tmp}. */
    static ReferenceRuns make(Path tmp) {
        TinyRuns.oneThread();
        ReferenceRuns r = new ReferenceRuns(IdxFiles.fashionMnistLayout(tmp.resolve("data"), 40, 10).toString(),
                tmp.resolve("pretrain-reference"), tmp.resolve("finetune-reference"));
        ok(TestSupport.cli(r.args("pretrain", r.pretrain)));
        ok(TestSupport.cli(r.args("finetune", r.finetune)));
        return r;
    }

    /** The uninterrupted run of {@code stage} ("pretrain" or "finetune"). */
    Path reference(String stage) { return stage.equals("pretrain") ? pretrain : finetune; }

    /** The tiny command line of {@code stage} ("pretrain" or "finetune": consistency from scratch) into {@code out}. */
    String[] args(String stage, Path out) {
        List<String> a = new ArrayList<>(stage.equals("pretrain")
                ? List.of("pretrain", "--preset", "RCM-T")
                : List.of("train", "--task", "consistency", "--preset", "EPG-T", "--init", "scratch",
                        "--preview-every", "2"));
        a.addAll(List.of("--data", data, "--steps", "4", "--batch", "4", "--warmup", "1", "--log-every", "1",
                "--checkpoint-every", "1", "--keep", "2", "--workers", "1", "--threads", "1", "--out",
                out.toString()));
        return a.toArray(String[]::new);
    }

    static void ok(TestSupport.Cli r) { assertEquals(0, r.code(), r.out() + r.err()); }
}
