// docs/robustness.md (errors): the probe's bad values end in one line and exit status 2 before any work is done.
package epg.cli;

import epg.TestSupport;
import epg.config.Presets;
import epg.data.IdxFiles;
import epg.nn.EpgModel;
import epg.nn.ModelFile;
import epg.tensor.Scope;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BadValuesTest {
    @TempDir Path dir;

    /** Runs {@code args}; asserts the exit status and one line on standard error holding every {@code expected}. */
    private static String refused(int status, List<String> args, String... expected) {
        TestSupport.Cli r = TestSupport.cli(args.toArray(String[]::new));
        String err = r.err().strip();
        assertEquals(status, r.code(), String.join(" ", args) + ": " + err);
        assertFalse(err.contains("\n"), String.join(" ", args) + " printed more than one line:\n" + err);
        for (String e : expected) assertTrue(err.contains(e), String.join(" ", args) + ": '" + e + "' not in " + err);
        return err;
    }

    @Test
    void theProbedValuesAreRefusedBeforeAnyFileIsReadOrWritten() {
        String out = dir.resolve("out").toString(), model = dir.resolve("no-such-model.safetensors").toString();
        for (String v : new String[]{"Infinity", "NaN", "0", "-1e-3"})
            refused(2, List.of("pretrain", "--out", out, "--lr", v), "--lr must be a finite number > 0, got");
        for (String v : new String[]{"0", "-1"}) {
            refused(2, List.of("pretrain", "--out", out, "--stop-at", v), "--stop-at", ">= 1");
            refused(2, List.of("train", "--task", "diffusion", "--init", "scratch", "--steps", "4", "--out", out,
                    "--stop-at", v), "--stop-at");
        }
        for (String v : new String[]{"NaN", "Infinity", "-1"})
            refused(2, List.of("sample", model, "--num", "2", "--out", out, "--cfg", v), "--cfg");
        refused(2, List.of("sample", model, "--num", "2", "--out", out, "--mid-sigma", "NaN"), "--mid-sigma");
        refused(2, List.of("sample", model, "--num", "2", "--out", out, "--cfg-interval", "0.2,Infinity"),
                "--cfg-interval");
        for (String v : new String[]{"NaN", "-1", "Infinity", "0"})
            refused(2, List.of("denoise", model, "--input", "x.npy", "--output", out, "--sigma", v), "--sigma");
        refused(2, List.of("train", "--task", "diffusion", "--init", "scratch", "--steps", "4", "--out", out,
                "--ema", "1"), "--ema must be a finite number in [0, 1), got 1.0");
        refused(2, List.of("prepare", "a", "b", "--resolution", "100000000000"), "--resolution", "not an int");
        refused(1, List.of("sample", model, "--seeds", "0-99999999999", "--out", out), "more than 10000000 seeds");
        assertFalse(Files.exists(Path.of(out)), "a refused command created its output");
    }

    @Test
    void aUsageErrorIsOneLineWithAHint() {
        refused(2, List.of("sample", "m.safetensors", "--out", "x", "--bogus"), "Unknown option",
                "see epg sample --help");
        refused(2, List.of("train", "--task", "diffusion"), "Missing required option", "see epg train --help");
    }

    @Test
    void anOutThatIsAnExistingFileIsOneClearLine() throws Exception {
        Path file = Files.writeString(dir.resolve("taken"), "not a folder");
        String data = IdxFiles.fashionMnistLayout(dir.resolve("data")).toString();
        refused(1, List.of("pretrain", "--data", data, "--out", file.toString(), "--steps", "2", "--batch", "4",
                "--workers", "1", "--threads", "1"), file.toString(), "is an existing file, not a run directory");
        Path model = dir.resolve("model.safetensors");
        try (Scope s = Scope.open()) {
            ModelFile.save(model, new EpgModel(Presets.get("EPG-T")), Map.of());
        }
        refused(1, List.of("sample", model.toString(), "--num", "1", "--out", file.toString()), file.toString(),
                "is a file, not a folder");
        assertEquals("not a folder", Files.readString(file));
    }

    @Test
    void nativeTracesAndBarePathsBecomeOneLine() {
        String trace = "Trying to create tensor with negative dimension -1: [-1, 4]\nException raised from "
                + "check_size_nonnegative at aten/src/ATen/EmptyTensor.h:40\nframe #0: c10::Error::Error() + 0x8c";
        assertEquals("Trying to create tensor with negative dimension -1: [-1, 4]",
                ErrorLine.of(new RuntimeException(trace)));
        assertEquals("/x/out: already exists (as a file where a folder is needed?)",
                ErrorLine.of(new FileAlreadyExistsException("/x/out")));
        assertEquals("/x/y: permission denied", ErrorLine.of(new AccessDeniedException("/x/y")));
        assertEquals("NullPointerException", ErrorLine.of(new NullPointerException()));
    }
}
