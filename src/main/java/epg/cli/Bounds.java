// docs/robustness.md (option bounds): the legal range of a numeric command-line option.
package epg.cli;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Declared on a picocli option or parameter of a numeric type (or an array or list of numbers); {@link OptionBounds}
 * checks every given value against it before the command runs. Unset bounds (NaN) do not apply; every value must be
 * finite in any case. Example: {@code @Bounds(above = 0)} for a learning rate, {@code @Bounds(min = 0, below = 1)}
 * for a probability.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.FIELD, ElementType.METHOD})
public @interface Bounds {
    /** The value must be &gt;= min. */
    double min() default Double.NaN;

    /** The value must be &gt; above. */
    double above() default Double.NaN;

    /** The value must be &lt;= max. */
    double max() default Double.NaN;

    /** The value must be {@code < below}. */
    double below() default Double.NaN;
}
