// docs/view.md (runs): one run directory found under a served directory, as the run list shows it.
package epg.view;

/**
 * @param root     the served directory's index
 * @param path     the run's path inside it ("" for the directory itself)
 * @param name     what the list shows: the directory as given, then the path
 * @param kind     "demo", "pretrain", "diffusion", "consistency", "samples" or "run"
 * @param lastStep the step of the log's last complete line, or -1
 * @param steps    the steps the configuration asks for, or -1
 * @param modified when a file of the run last changed (milliseconds since the epoch)
 */
public record RunEntry(int root, String path, String name, String kind, long lastStep, long steps, long modified) {}
