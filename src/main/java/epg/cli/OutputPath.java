// README "Commands": one vocabulary, `--out` everywhere, beside the positional OUT some commands also take.
package epg.cli;

import java.nio.file.Path;

/** An output given as a positional argument or as --out: exactly one of them. */
final class OutputPath {
    private OutputPath() {}

    /** {@code positional} or {@code option}; an error names {@code label} and {@code what} when neither or both. */
    static Path of(Path positional, Path option, String label, String what) {
        if (positional != null && option != null)
            throw new IllegalArgumentException("give " + label + " once: as an argument or as --out, not both");
        if (positional == null && option == null)
            throw new IllegalArgumentException("missing " + label + " (" + what + "): give it as an argument or "
                    + "as --out");
        return positional != null ? positional : option;
    }
}
