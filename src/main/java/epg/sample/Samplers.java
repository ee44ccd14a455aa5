// Spec §6: the registry of samplers: command-line name, constructor, the parameterisation each is meant for.
package epg.sample;

import epg.diffusion.Preconditioning;

import java.util.Arrays;
import java.util.Iterator;
import java.util.Locale;
import java.util.stream.Collectors;

import static epg.diffusion.Preconditioning.Kind.CONSISTENCY;
import static epg.diffusion.Preconditioning.Kind.DIFFUSION;

/**
 * Every sampler the command line offers. A new sampler is one constant here and its own file.
 *
 * @see #parameterisation() the model parameterisation used when neither the flag nor the model file names one
 * @see #walksGrid() whether the sampler steps through all n Karras grid points (one- and two-step use σ_max only)
 */
public enum Samplers {
    HEUN("heun", DIFFUSION, true, options -> new Heun()),
    EULER("euler", DIFFUSION, true, options -> new Euler()),
    EULER_SDE("euler-sde", DIFFUSION, true, options -> new EulerSde()),
    EULER_ANCESTRAL("euler-ancestral", DIFFUSION, true, options -> new EulerAncestral(1.0)),
    EDM_SDE("edm-sde", DIFFUSION, true, options -> EdmStochastic.RELEASED),
    ONESTEP("onestep", CONSISTENCY, false, options -> new OneStep()),
    TWOSTEP("twostep", CONSISTENCY, false, options -> new TwoStep(options.midSigma()));

    /** The sampler options the command line sets. @param midSigma unshifted middle σ of two-step sampling */
    public record Options(double midSigma) {}

    /** Builds the sampler from the command-line options. */
    @FunctionalInterface
    public interface Factory {
        Sampler make(Options options);
    }

    private final String cliName;
    private final Preconditioning.Kind parameterisation;
    private final boolean walksGrid;
    private final Factory factory;

    Samplers(String cliName, Preconditioning.Kind parameterisation, boolean walksGrid, Factory factory) {
        this.cliName = cliName;
        this.parameterisation = parameterisation;
        this.walksGrid = walksGrid;
        this.factory = factory;
    }

    public String cliName() { return cliName; }

    public Preconditioning.Kind parameterisation() { return parameterisation; }

    public boolean walksGrid() { return walksGrid; }

    public Sampler make(Options options) { return factory.make(options); }

    /** The entry of a command-line name (case-insensitive). */
    public static Samplers named(String name) {
        String key = name.toLowerCase(Locale.ROOT);
        for (Samplers s : values()) if (s.cliName.equals(key)) return s;
        throw new IllegalArgumentException("unknown sampler '" + name + "'; use " + String.join(", ", new Names()));
    }

    /** The command-line names in registry order (picocli's completion candidates and help list). */
    public static final class Names implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return Arrays.stream(values()).map(Samplers::cliName).collect(Collectors.toList()).iterator();
        }
    }
}
