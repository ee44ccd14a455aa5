// Spec §3.1: counter-based random streams, so that every draw depends on (seed, epoch, sample, view) only.
package epg.data;

import java.util.SplittableRandom;

/** Independent generators keyed by a tuple of counters (SplitMix64 finaliser chained over the parts). */
public final class Seeds {
    private Seeds() {}

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    public static long key(long... parts) {
        long h = 0x243F6A8885A308D3L;
        for (long p : parts) h = mix(h ^ mix(p + 0x9E3779B97F4A7C15L));
        return h;
    }

    public static SplittableRandom rng(long... parts) { return new SplittableRandom(key(parts)); }

    /** Uniform double in [lo, hi). */
    static double uniform(SplittableRandom r, double lo, double hi) { return lo + (hi - lo) * r.nextDouble(); }
}
