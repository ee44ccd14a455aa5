// The console side of every training stage (`epg pretrain`, `epg train`, `epg demo`): a progress bar with ETA and
// each log line's losses.
package epg.progress;

import com.google.gson.JsonObject;
import epg.train.Trainer;

import java.util.Set;

/** The progress bar on stderr, and below it each log line: loss, its terms and schedule values, lr, images/s. */
public final class TrainProgress implements Trainer.Listener {
    private static final Set<String> SHOWN_APART =
            Set.of("step", "loss", "lr", "grad_norm", "param_norm", "images_per_s", "skipped");
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
        System.err.printf("%nstep %d  loss %.4f  (%s)  lr %.3g  %.1f img/s%n", step, get(line, "loss"), terms,
                get(line, "lr"), get(line, "images_per_s"));
    }

    @Override public void finished() { progress.finish(); }

    private static double get(JsonObject o, String k) { return o.has(k) ? o.get(k).getAsDouble() : Double.NaN; }
}
