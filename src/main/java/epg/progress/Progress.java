// docs/library.md "Console output": a console progress bar with count, rate and ETA, safe to step from many threads.
package epg.progress;

import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * On a terminal, {@code label [=====>    ] 120/1000 35.2/s ETA 0:25} redrawn in place (carriage return) at most
 * every 200 ms; elsewhere (output to a file or a pipe) a plain line at every tenth of the work and at least once a
 * minute, so a log holds a few lines rather than thousands of redraws. {@link #style()} chooses.
 */
public final class Progress {
    /** How progress is shown: redrawn in place, or as occasional plain lines. */
    public enum Style { BAR, LINES }

    /** The environment variable and system property that force a style: bar or lines. */
    public static final String ENV = "EPG_PROGRESS", PROPERTY = "epg.progress";
    private static final int WIDTH = 30;
    private static final long BAR_NANOS = 200_000_000L, LINE_NANOS = 60_000_000_000L;
    private final String label;
    private final long total, start = System.nanoTime();
    private final PrintStream out;
    private final Style style;
    // lastDraw starts a second back, not at Long.MIN_VALUE: now − MIN_VALUE overflows (no bar before the end).
    private final AtomicLong done = new AtomicLong(), lastDraw = new AtomicLong(System.nanoTime() - 1_000_000_000L);
    private final AtomicLong lastTenth = new AtomicLong();

    /** A progress display in the {@link #style()} of this process. */
    public Progress(String label, long total, PrintStream out) { this(label, total, out, style()); }

    public Progress(String label, long total, PrintStream out, Style style) {
        this.label = label;
        this.total = total;
        this.out = out;
        this.style = style;
        lastDraw.set(style == Style.BAR ? start - 1_000_000_000L : start);
    }

    /** A stream that prints nothing: the bar of a process whose output nobody reads (ranks other than 0). */
    public static final PrintStream SILENT = new PrintStream(java.io.OutputStream.nullOutputStream());

    /**
     * {@code -Depg.progress=bar|lines}, else {@code EPG_PROGRESS=bar|lines}, else a bar when this process has a
     * terminal ({@link System#console()}, and standard error is one too) and lines when its output goes to a file or
     * a pipe.
     */
    public static Style style() {
        String v = System.getProperty(PROPERTY, System.getenv(ENV));
        if (v != null && !v.isBlank()) {
            String s = v.trim().toLowerCase(Locale.ROOT);
            if (s.equals("bar")) return Style.BAR;
            if (s.equals("lines") || s.equals("plain")) return Style.LINES;
            throw new IllegalArgumentException(ENV + "=" + v + " is not a progress style: use bar or lines");
        }
        return System.console() != null && stderrIsTerminal() ? Style.BAR : Style.LINES;
    }

    /** Whether standard error is a terminal, as far as Linux's /proc tells (elsewhere: assumed so). */
    private static boolean stderrIsTerminal() {
        try {
            String target = java.nio.file.Files.readSymbolicLink(java.nio.file.Path.of("/proc/self/fd/2")).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty") || target.equals("/dev/console");
        } catch (java.io.IOException | UnsupportedOperationException | SecurityException e) {
            return true;
        }
    }

    /** Whether the display redraws one line in place (other output must then start on a new line). */
    public boolean redraws() { return style == Style.BAR; }

    /** {@code n} steps at once. */
    public void steps(int n) { for (int i = 0; i < n; i++) step(); }

    public void step() {
        long n = done.incrementAndGet(), now = System.nanoTime(), last = lastDraw.get();
        if (style == Style.BAR) {
            if ((now - last > BAR_NANOS || n == total) && lastDraw.compareAndSet(last, now)) draw(n, now);
            return;
        }
        long tenth = total > 0 ? 10 * n / total : 0, before = lastTenth.get();
        if (n == total) return; // finish() prints the last line
        if ((tenth > before && lastTenth.compareAndSet(before, tenth)) | (now - last > LINE_NANOS)) {
            lastDraw.set(now);
            line(n, now);
        }
    }

    /** Final line with the elapsed time. */
    public void finish() {
        if (style == Style.BAR) {
            draw(done.get(), System.nanoTime());
            out.println();
        } else {
            line(done.get(), System.nanoTime());
        }
    }

    private synchronized void draw(long n, long now) {
        double secs = (now - start) / 1e9, rate = secs > 0 ? n / secs : 0;
        int filled = total > 0 ? (int) (WIDTH * Math.min(1.0, (double) n / total)) : 0;
        String bar = "=".repeat(filled) + (filled < WIDTH ? ">" + " ".repeat(WIDTH - filled - 1) : "");
        String eta = rate > 0 && n < total ? " ETA " + clock((total - n) / rate) : " " + clock(secs);
        out.print(String.format("\r%s [%s] %d/%d %.1f/s%s ", label, bar, n, total, rate, eta));
        out.flush();
    }

    /** {@code label 120/1000 (12%) 35.2/s ETA 0:25}, or at the end {@code ... done in 0:28}. */
    private synchronized void line(long n, long now) {
        double secs = (now - start) / 1e9, rate = secs > 0 ? n / secs : 0;
        long percent = total > 0 ? 100 * n / total : 0;
        String eta = n >= total ? " done in " + clock(secs) : rate > 0 ? " ETA " + clock((total - n) / rate) : "";
        out.println(String.format(Locale.ROOT, "%s %d/%d (%d%%) %.1f/s%s", label, n, total, percent, rate, eta));
        out.flush();
    }

    public static String clock(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format("%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format("%d:%02d", s / 60, s % 60);
    }
}
