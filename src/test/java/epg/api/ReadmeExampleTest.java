// README "Library use": the example there compiles against the library and runs on a tiny model.
package epg.api;

import epg.TestSupport;
import epg.nn.ModelFile;
import epg.tensor.Npz;
import epg.tensor.Scope;
import epg.tensor.Torch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReadmeExampleTest {
    @TempDir Path tmp;

    /** The first ```java block after the "## Library use" heading of README.md. */
    static String readmeExample() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        int section = readme.indexOf("## Library use");
        assertTrue(section >= 0, "README.md has no '## Library use' section");
        Matcher m = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL).matcher(readme);
        assertTrue(m.find(section), "no ```java block in README's Library use");
        return m.group(1);
    }

    @Test
    void theReadmeExampleCompilesAndRuns() throws Exception {
        String source = readmeExample();
        Matcher name = Pattern.compile("public class (\\w+)").matcher(source);
        assertTrue(name.find(), "the example is a public class");
        Path src = tmp.resolve("src").resolve(name.group(1) + ".java"), classes = tmp.resolve("classes");
        Files.createDirectories(src.getParent());
        Files.createDirectories(classes);
        Files.writeString(src, source);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
        int status = javac.run(null, null, diagnostics, "-classpath", System.getProperty("java.class.path"), "-d",
                classes.toString(), "-Xlint:all,-path,-try", "-Werror", src.toString());
        assertEquals(0, status, "the README example does not compile:\n" + diagnostics);

        // a tiny model, and a reference batch from other seeds of it
        Path model = tmp.resolve("tiny.safetensors"), ref = tmp.resolve("ref.npz"), out = tmp.resolve("out");
        ModelFile.save(model, epg.TinyRuns.samplingModel(), Map.of());
        Path refImages = tmp.resolve("ref-images");
        assertEquals(0, TestSupport.cli("sample", model.toString(), "--seeds", "1000-1039", "--points", "4",
                "--out", refImages.toString()).code());
        assertEquals(0, TestSupport.cli("evaluate", "--make-ref", refImages.toString(), ref.toString()).code());
        Files.createDirectories(out);

        PrintStream stdout = System.out;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        try (URLClassLoader loader = new URLClassLoader(new URL[]{classes.toUri().toURL()},
                ReadmeExampleTest.class.getClassLoader())) {
            System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
            loader.loadClass(name.group(1)).getMethod("main", String[].class).invoke(null,
                    (Object) new String[]{model.toString(), ref.toString(), out.toString(), "rcm:" + model});
        } finally {
            System.setOut(stdout);
        }
        String text = printed.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("fd_rcm ") && text.contains(" over 64 samples"), text);
        assertTrue(text.contains("x-prediction [1, 3, 8, 8]"), text);
        assertTrue(Files.isRegularFile(out.resolve("first.png")));
        try (Scope s = Scope.open()) {
            assertArrayEquals(new long[]{64, 8, 8, 3}, Torch.shape(Npz.read(out.resolve("samples/samples.npz"),
                    "arr_0")));
        }
    }
}
