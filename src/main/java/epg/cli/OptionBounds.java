// docs/robustness.md (option bounds): every numeric option value is finite and inside its declared range.
package epg.cli;

import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Array;
import java.util.Collection;

/**
 * Runs between parsing and execution (see {@link Main#commandLine}), so a bad value is refused before any file is
 * read or any native call is made. The check is generic: an option is numeric by its type (any primitive or boxed
 * number, or an array or collection of them), and its range comes from its {@link Bounds} annotation.
 */
public final class OptionBounds {
    private OptionBounds() {}

    /** Checks the given values of the command and every subcommand in {@code parsed}. */
    public static void check(ParseResult parsed) {
        for (ParseResult p = parsed; p != null; p = p.subcommand())
            for (ArgSpec arg : p.matchedArgs()) check(p.commandSpec().commandLine(), arg);
    }

    private static void check(CommandLine line, ArgSpec arg) {
        Object value = arg.getValue();
        if (value == null) return;
        if (value instanceof Collection<?> c) c.forEach(v -> checkOne(line, arg, v));
        else if (value.getClass().isArray())
            for (int i = 0; i < Array.getLength(value); i++) checkOne(line, arg, Array.get(value, i));
        else checkOne(line, arg, value);
    }

    private static void checkOne(CommandLine line, ArgSpec arg, Object value) {
        if (!(value instanceof Number n)) return;
        double v = n.doubleValue();
        Bounds b = bounds(arg);
        if (Double.isFinite(v) && (b == null || inside(b, v))) return;
        throw new CommandLine.ParameterException(line, name(arg) + " must be a finite number"
                + (b == null ? "" : " " + describe(b)) + ", got " + value);
    }

    /** The option's or parameter's declared range, or null when it has none. */
    public static Bounds bounds(ArgSpec arg) {
        return arg.userObject() instanceof AnnotatedElement e ? e.getAnnotation(Bounds.class) : null;
    }

    /** Whether {@code v} is allowed by {@code b}. */
    static boolean inside(Bounds b, double v) {
        return !(v < b.min()) && !(v <= b.above()) && !(v > b.max()) && !(v >= b.below());
    }

    /** The range in words, e.g. ">= 1" or "in [0, 1)". */
    public static String describe(Bounds b) {
        boolean low = !Double.isNaN(b.min()) || !Double.isNaN(b.above()),
                high = !Double.isNaN(b.max()) || !Double.isNaN(b.below());
        String lo = !Double.isNaN(b.min()) ? "[" + number(b.min()) : "(" + number(b.above()),
                hi = !Double.isNaN(b.max()) ? number(b.max()) + "]" : number(b.below()) + ")";
        if (low && high) return "in " + lo + ", " + hi;
        if (low) return (Double.isNaN(b.min()) ? "> " : ">= ") + lo.substring(1);
        if (high) return (Double.isNaN(b.max()) ? "< " : "<= ") + hi.substring(0, hi.length() - 1);
        return "";
    }

    private static String number(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }

    /** "--lr", or the parameter's label, e.g. "CHECKPOINT". */
    static String name(ArgSpec arg) {
        return arg instanceof OptionSpec o ? o.longestName() : arg.paramLabel();
    }
}
