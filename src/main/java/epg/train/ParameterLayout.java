// Spec §3–§5 (the optimiser's state): where the Trainer keeps weights, gradients and moments; flat or per tensor.
package epg.train;

import java.util.Locale;

/**
 * FLAT (the default): each module's parameters, their gradients, AdamW's moments and the EMA copies are views into
 * one buffer per dtype ({@link epg.nn.FlatParameters}), so that AdamW, the EMA, gradient norms, clipping and loss
 * unscaling are a few ops per buffer. PER_PARAMETER: one tensor each, one op per tensor (the earlier path, kept for
 * comparison). Chosen by the system property {@value #PROPERTY} or the environment variable {@value #ENV}
 * ({@code flat} or {@code per-parameter}).
 */
public enum ParameterLayout {
    FLAT, PER_PARAMETER;

    public static final String PROPERTY = "epg.params", ENV = "EPG_PARAMS";

    /** The layout the system property, else the environment variable, names (FLAT when neither is set). */
    public static ParameterLayout current() {
        String v = System.getProperty(PROPERTY);
        if (v == null) v = System.getenv(ENV);
        return v == null || v.isBlank() ? FLAT : parse(v);
    }

    public static ParameterLayout parse(String name) {
        return switch (name.trim().toLowerCase(Locale.ROOT)) {
            case "flat" -> FLAT;
            case "per-parameter", "per_parameter", "tensor" -> PER_PARAMETER;
            default -> throw new IllegalArgumentException("unknown parameter layout '" + name + "' (" + PROPERTY
                    + " / " + ENV + "); use flat or per-parameter");
        };
    }
}
