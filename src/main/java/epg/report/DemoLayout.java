// Spec §7 at demo scale: the folders and files of an `epg demo` run directory (written by epg.demo, read here).
package epg.report;

/** Names relative to the run directory. */
public final class DemoLayout {
    /** Stage folders: the reference set, RCM pre-training, the two diffusion runs, consistency, the calibration. */
    public static final String REFERENCE = "reference", RCM = "rcm", DIFFUSION = "diffusion", SCRATCH = "scratch",
            CONSISTENCY = "consistency", SAMPLES = "samples", CALIBRATION = "calibration";
    /** The plan and options, what was measured, the page. */
    public static final String CONFIG = "config.json", RESULT = "demo.json", REPORT = "report.html";
    /** Inside a training stage's folder. */
    public static final String LOG = "log.jsonl", PREVIEWS = "previews";

    private DemoLayout() {}
}
