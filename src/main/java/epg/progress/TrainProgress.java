// The console side of every training stage (`epg pretrain`, `epg train`, `epg demo`): a progress bar with ETA and
// each log line's losses.
package epg.progress;

import com.google.gson.JsonObject;
import epg.train.RunLog;
import epg.train.Trainer;

import java.util.Set;

/**
 * The progress bar on stderr (plain lines when stderr is no terminal: {@link Progress#style()}), and below it each log
 * line: loss, its terms and schedule values, lr, images/s.
 */
public final class TrainProgress implements Trainer.Listener {
    private static final Set<String> SHOWN_APART =
            Set.of(RunLog.STEP, RunLog.TIME, RunLog.LOSS, RunLog.LR, RunLog.GRAD_NORM, RunLog.PARAM_NORM,
                    RunLog.IMAGES_PER_SECOND, RunLog.SKIPPED);
    private Progress progress;

    @Override public void started(long from, long to) {
        if (from > 0) System.out.println("resuming at step " + from);
        progress = new Progress("train", to - from, System.err);
    }

    @Override public void stepped(long step, JsonObject line) {
        progress.step();
        if (line == null || System.getenv("EPG_QUIET") != null) return;
        StringBuilder terms = new StringBuilder();
        for (String k : line.keySet())
            if (!SHOWN_APART.contains(k))
                terms.append(terms.isEmpty() ? "" : ", ").append(k).append(' ')
                        .append(String.format("%.4g", get(line, k)));
        System.err.printf((progress.redraws() ? "%n" : "") + "step %d  loss %.4f  (%s)  lr %.3g  %.1f img/s%n", step,
                get(line, "loss"), terms,
                get(line, RunLog.LR), get(line, RunLog.IMAGES_PER_SECOND));
    }

    @Override public void finished() { progress.finish(); }

    private static double get(JsonObject o, String k) { return o.has(k) ? o.get(k).getAsDouble() : Double.NaN; }
}
