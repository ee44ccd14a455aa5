// DEVELOPERS.md "CLI": a carriage-return console progress bar with count, rate and ETA, safe to step from many threads.
package epg.progress;

import java.io.PrintStream;
import java.util.concurrent.atomic.AtomicLong;

/** {@code label [=====>    ] 120/1000 35.2/s ETA 0:25}, redrawn at most every 200 ms. */
public final class Progress {
    private static final int WIDTH = 30;
    private final String label;
    private final long total, start = System.nanoTime();
    private final PrintStream out;
    // lastDraw starts a second back, not at Long.MIN_VALUE: now − MIN_VALUE overflows (no bar before the end).
    private final AtomicLong done = new AtomicLong(), lastDraw = new AtomicLong(System.nanoTime() - 1_000_000_000L);

    public Progress(String label, long total, PrintStream out) {
        this.label = label;
        this.total = total;
        this.out = out;
    }

    /** A stream that prints nothing: the bar of a process whose output nobody reads (ranks other than 0). */
    public static final PrintStream SILENT = new PrintStream(java.io.OutputStream.nullOutputStream());

    /** {@code n} steps at once. */
    public void steps(int n) { for (int i = 0; i < n; i++) step(); }

    public void step() {
        long n = done.incrementAndGet(), now = System.nanoTime(), last = lastDraw.get();
        if ((now - last > 200_000_000L || n == total) && lastDraw.compareAndSet(last, now)) draw(n, now);
    }

    /** Final line with the elapsed time. */
    public void finish() {
        draw(done.get(), System.nanoTime());
        out.println();
    }

    private synchronized void draw(long n, long now) {
        double secs = (now - start) / 1e9, rate = secs > 0 ? n / secs : 0;
        int filled = total > 0 ? (int) (WIDTH * Math.min(1.0, (double) n / total)) : 0;
        String bar = "=".repeat(filled) + (filled < WIDTH ? ">" + " ".repeat(WIDTH - filled - 1) : "");
        String eta = rate > 0 && n < total ? " ETA " + clock((total - n) / rate) : " " + clock(secs);
        out.print(String.format("\r%s [%s] %d/%d %.1f/s%s ", label, bar, n, total, rate, eta));
        out.flush();
    }

    public static String clock(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format("%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format("%d:%02d", s / 60, s % 60);
    }
}
