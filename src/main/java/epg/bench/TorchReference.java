// Runs the PyTorch side of a benchmark (Debian python3-torch) in a subprocess and reads its one-line JSON answer.
package epg.bench;

import com.google.gson.JsonObject;
import epg.config.Json;
import epg.config.ModelConfig;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

public final class TorchReference {
    private TorchReference() {}

    /**
     * The repository root holding scripts/ (EPG_HOME, else the folder above target/epg.jar, else the working
     * directory).
     */
    public static Path home() {
        String env = System.getenv("EPG_HOME");
        if (env != null) return Path.of(env);
        try {
            Path jar = Path.of(TorchReference.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            for (Path p = jar; p != null; p = p.getParent())
                if (Files.isDirectory(p.resolve("scripts/bench"))) return p;
        } catch (Exception ignored) { /* fall through */ }
        return Path.of("").toAbsolutePath();
    }

    /** The network description scripts/reference/epg_torch.py takes. */
    public static String configJson(ModelConfig c) {
        JsonObject o = new JsonObject();
        o.addProperty("kind", c.kind().name());
        o.addProperty("size", c.imageSize());
        o.addProperty("patch", c.patchSize());
        o.addProperty("channels", c.channels());
        o.addProperty("depth", c.depth());
        o.addProperty("dim", c.dim());
        o.addProperty("heads", c.heads());
        o.addProperty("decoder_depth", c.decoderDepth());
        o.addProperty("decoder_dim", c.decoderDim());
        o.addProperty("decoder_heads", c.decoderHeads());
        o.addProperty("classes", c.numClasses());
        o.addProperty("proj_hidden", c.projHidden());
        o.addProperty("proj_out", c.projOut());
        return o.toString();
    }

    /**
     * Runs {@code script} (relative to the repository root) with {@code args}; returns its last output line as JSON.
     */
    public static JsonObject run(String python, String script, List<String> args,
            long timeoutSeconds) throws IOException, InterruptedException {
        Path file = home().resolve(script);
        if (!Files.isRegularFile(file))
            throw new IOException("PyTorch reference script " + file
                    + " not found (set EPG_HOME to the repository root)");
        List<String> cmd = new ArrayList<>(List.of(python, file.toString()));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        // GOMP_SPINCOUNT, a lever for the Java side's OpenMP pool, makes libgomp's workers spin, and they starve the
        // OpenBLAS threads of Debian's PyTorch (1.8x slower steps): its side runs without it.
        pb.environment().remove("GOMP_SPINCOUNT");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(script + " timed out");
        }
        if (p.exitValue() != 0)
            throw new IOException(script + " failed (exit " + p.exitValue()
                    + "); is Debian's python3-torch installed (apt-get install python3-torch)?\n" + out);
        String[] lines = out.strip().split("\n");
        return Json.parse(lines[lines.length - 1], JsonObject.class, "the output of " + script);
    }
}
