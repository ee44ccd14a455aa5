// Helpers shared by the tests: fixture paths and tensor comparisons.
package epg;

import epg.tensor.Torch;
import org.bytedeco.pytorch.Tensor;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

public final class TestSupport {
    private TestSupport() {}

    public static Path fixture(String relative) {
        return Path.of("src/test/resources/fixtures").resolve(relative);
    }

    /** What one `epg` command line did: its exit status and everything it printed. */
    public record Cli(int code, String out, String err) {}

    /** Runs {@code epg ARGS} in this JVM, capturing standard output and error. */
    public static Cli cli(String... args) {
        PrintStream out = System.out, err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream(), e = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
            var line = epg.cli.Main.commandLine();
            line.setErr(new PrintWriter(e, true));
            int code = line.execute(args);
            return new Cli(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    /** Largest absolute difference over the largest absolute expected value. */
    public static double relativeError(Tensor actual, Tensor expected) {
        assertArrayEquals(Torch.shape(expected), Torch.shape(actual), "shape");
        float[] a = Torch.toFloats(actual), e = Torch.toFloats(expected);
        double diff = 0, scale = 0;
        for (int i = 0; i < a.length; i++) {
            diff = Math.max(diff, Math.abs(a[i] - e[i]));
            scale = Math.max(scale, Math.abs(e[i]));
        }
        return diff / scale;
    }

    public static void assertClose(Tensor actual, Tensor expected, double relTol, String what) {
        double err = relativeError(actual, expected);
        assertTrue(err <= relTol, what + ": relative error " + err + " > " + relTol + " (shape "
                + Arrays.toString(Torch.shape(expected)) + ")");
    }

    /** Debian's Python with torch/numpy/scipy (shared/notes: the pyenv python3 on PATH lacks them). */
    /** The same names in the same order, and per tensor the same dtype, shape and values. */
    public static void assertSameTensors(Map<String, Tensor> want, Map<String, Tensor> got, String what) {
        assertEquals(List.copyOf(want.keySet()), List.copyOf(got.keySet()), what + ": tensor names");
        want.forEach((k, w) -> {
            Tensor g = got.get(k);
            assertEquals(w.scalar_type().intern(), g.scalar_type().intern(), what + ": dtype of " + k);
            assertArrayEquals(Torch.shape(w), Torch.shape(g), what + ": shape of " + k);
            assertTrue(w.equal(g), what + ": values of " + k);
        });
    }

    public static final Path PYTHON = Path.of("/usr/bin/python3");

    /**
     * Fails the calling test, saying what to install, unless {@link #PYTHON} can import every module in
     * {@code modules}. Only tests tagged "oracle" call Python (mvn -Poracle test; .ci/run installs the packages).
     */
    public static void requirePython(String... modules) {
        try {
            assertTrue(Files.isExecutable(PYTHON), PYTHON + " is missing");
            python(60, "-c", "import " + String.join(", ", modules));
        } catch (IOException | AssertionError e) {
            throw new AssertionError(PYTHON + " with " + String.join(", ", modules)
                    + " is not available (install Debian's "
                    + "python3-torch, python3-torchvision, python3-numpy, python3-scipy): " + e.getMessage(), e);
        }
    }

    /**
     * Runs {@link #PYTHON} with {@code args}; fails on a non-zero exit or after {@code timeoutSeconds}; returns its
     * output.
     */
    public static String python(int timeoutSeconds, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(PYTHON.toString()));
        cmd.addAll(List.of(args));
        Path log = Files.createTempFile("python", ".log");
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            boolean finished = p.waitFor(timeoutSeconds, TimeUnit.SECONDS);
            if (!finished) p.destroyForcibly().waitFor();
            String out = Files.readString(log, StandardCharsets.UTF_8);
            assertTrue(finished, "python " + args[0] + " ran past " + timeoutSeconds + " s:\n" + out);
            assertTrue(p.exitValue() == 0, "python " + args[0] + " failed:\n" + out);
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running python", e);
        } finally {
            Files.deleteIfExists(log);
        }
    }
}
