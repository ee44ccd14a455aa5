// Seeded random generators: every random draw in the project comes from an explicit, seeded libtorch generator.
package epg.tensor;

import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.GeneratorOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/** A libtorch CPU generator with a known seed; its state can be saved and restored for exact resume. */
public final class Rng {
    private final Generator generator;

    public Rng(long seed) {
        Torch.init();
        this.generator = Scope.keep(torch.make_generator_cpu(seed));
    }

    public GeneratorOptional optional() { return new GeneratorOptional(generator); }

    public Generator generator() { return generator; }

    /** The generator's full state (a uint8 tensor), for checkpoints. */
    public Tensor state() { return generator.get_state(); }

    public void setState(Tensor state) { generator.set_state(state); }

    /** Mixes a seed with stream identifiers (SplitMix64), for independent per-sample or per-purpose streams. */
    public static long derive(long seed, long... stream) {
        long z = seed;
        for (long s : stream) z = mix(z ^ mix(s + 0x9E3779B97F4A7C15L));
        return z;
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
