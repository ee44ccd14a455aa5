// Spec §6 (seeding): the seed lists `epg sample --seeds` takes, "0-99" or "1,5,9-12", read and written.
package epg.sample;

import java.util.ArrayList;
import java.util.List;

/** Seeds as ranges and lists, in the order written; {@link #format} writes the shortest such text back. */
public final class SeedList {
    private SeedList() {}

    /** "0-99", "1,5,9-12" → the seeds in the order written; an error past {@code max} seeds. */
    public static long[] parse(String text, int max) {
        List<Long> out = new ArrayList<>();
        for (String part : text.split(",")) {
            String p = part.trim();
            int dash = p.indexOf('-', 1);
            try {
                if (dash < 0) out.add(Long.parseLong(p));
                else {
                    long start = Long.parseLong(p.substring(0, dash).trim());
                    long end = Long.parseLong(p.substring(dash + 1));
                    long span = end < start ? -1 : spanOf(start, end, text, max);
                    if (span >= max - out.size()) throw tooMany(text, max);
                    for (long k = 0; k <= span; k++) out.add(start + k); // no v++ past Long.MAX_VALUE
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("bad seed list '" + text
                        + "': use ranges and lists such as 0-99 or 1,5,9-12");
            }
            if (out.size() > max) throw tooMany(text, max);
        }
        if (out.isEmpty()) throw new IllegalArgumentException("empty seed list '" + text + "'");
        return out.stream().mapToLong(Long::longValue).toArray();
    }

    /** Runs of consecutive seeds (three or more) as ranges: [0, 1, 2, 3, 7, 9, 10] → "0-3,7,9,10". */
    public static String format(long[] seeds) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < seeds.length; ) {
            int j = i;
            while (j + 1 < seeds.length && seeds[j + 1] == seeds[j] + 1 && seeds[j] != Long.MAX_VALUE) j++;
            if (b.length() > 0) b.append(',');
            if (j - i >= 2) {
                b.append(seeds[i]).append('-').append(seeds[j]);
            } else {
                for (int k = i; k <= j; k++) b.append(k > i ? "," : "").append(seeds[k]);
            }
            i = j + 1;
        }
        return b.toString();
    }

    /** end − start, or an error when it does not fit a long (a range of more than 2^63 seeds). */
    private static long spanOf(long start, long end, String text, int max) {
        try {
            return Math.subtractExact(end, start);
        } catch (ArithmeticException e) {
            throw tooMany(text, max);
        }
    }

    private static IllegalArgumentException tooMany(String text, int max) {
        return new IllegalArgumentException("seed list '" + text + "' names more than " + max + " seeds");
    }
}
