// The run directory's log.jsonl (docs/pretraining.md, "run directory"): its key names, old and new.
package epg.train;

import java.util.Map;

/**
 * One JSON object per logged step: {@code step}, {@code time} (ISO-8601, UTC), {@code loss} and its terms, the
 * stage's schedule values, {@code lr}, {@code gradNorm}, {@code paramNorm}, {@code imagesPerSecond},
 * {@code skipped}. Keys are camelCase like config.json's; logs written before that used snake_case, which
 * {@link #canonical} maps to today's names for every reader.
 */
public final class RunLog {
    public static final String STEP = "step", TIME = "time", LOSS = "loss", LR = "lr", GRAD_NORM = "gradNorm",
            PARAM_NORM = "paramNorm", IMAGES_PER_SECOND = "imagesPerSecond", SKIPPED = "skipped";
    /** Older spellings of today's keys. */
    private static final Map<String, String> LEGACY = Map.of("grad_norm", GRAD_NORM, "param_norm", PARAM_NORM,
            "images_per_s", IMAGES_PER_SECOND, "tau_max", "tauMax", "N", "noiseLevels", "sigma_mean", "sigmaMean",
            "ect_stage", "ectStage");

    private RunLog() {}

    /** Today's name of a log key (an old snake_case key becomes its camelCase successor; others stay). */
    public static String canonical(String key) { return LEGACY.getOrDefault(key, key); }
}
