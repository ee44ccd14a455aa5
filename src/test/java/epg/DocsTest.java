// The docs match the code: every `epg CMD --flag` they show exists, and every repository path they cite is here.
package epg;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DocsTest {
    /**
     * {@code epg CMD} (two words for the commands with subcommands), up to the end of its code span or line, or the
     * next command (of epg or of another program: tensorboard, torchrun, python).
     */
    private static final Pattern COMMAND = Pattern.compile(
            "(?<![\\w-])epg (bench suite|bench model|bench data|inspect rcm-std|inspect pca|[a-z]+)\\b([^`|]*?)"
                    + "(?=`|\\||(?<![\\w-])(?:epg|tensorboard|torchrun|python3?) |$)");
    private static final Pattern FLAG = Pattern.compile("(?<![\\w-])--[a-z][a-z0-9-]*");
    /** A markdown link's target. */
    private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s#]+)(?:#[^)]*)?\\)");
    /** A path inside this repository: under one of its top folders, or a page name such as README.md. */
    private static final Pattern REPO_PATH = Pattern.compile(
            "(?<![\\w/.-])((?:docs|src|scripts|bench)/[A-Za-z0-9_./-]*\\.(?:md|java|py|sh|png|svg|json|jsonl)"
                    + "|[A-Za-z0-9_-]+\\.md)(?![\\w/])");
    private static final Pattern COMMENT = Pattern.compile("^\\s*(//|/\\*|\\*|#|\"\"\")");

    @Test
    void everyFlagTheDocsShowAfterAnEpgCommandExists() throws IOException {
        CommandLine root = epg.cli.Main.commandLine();
        List<String> unknown = new ArrayList<>();
        int checked = 0;
        for (Path page : pages())
            for (Line l : lines(page)) {
                Matcher m = COMMAND.matcher(l.text());
                while (m.find()) {
                    CommandLine cmd = command(root, m.group(1));
                    if (cmd == null) {
                        if (!FLAG.matcher(m.group(2)).find()) continue; // prose: "epg is", "epg for Java"
                        unknown.add(l.where() + ": no command 'epg " + m.group(1) + "'");
                        continue;
                    }
                    Matcher f = FLAG.matcher(m.group(2));
                    while (f.find()) {
                        checked++;
                        if (cmd.getCommandSpec().findOption(f.group()) == null)
                            unknown.add(l.where() + ": epg " + m.group(1) + " has no " + f.group());
                    }
                }
            }
        assertEquals(List.of(), unknown);
        assertTrue(checked > 150, "the scan found only " + checked + " flags: is the pattern still right?");
    }

    @Test
    void everyRepositoryPathTheDocsAndCommentsCiteExists() throws IOException {
        List<String> missing = new ArrayList<>();
        int checked = 0;
        List<Path> files = new ArrayList<>(pages());
        files.addAll(sources());
        for (Path file : files) {
            boolean page = file.toString().endsWith(".md");
            for (Line l : lines(file)) {
                if (!page && !COMMENT.matcher(l.text()).find()) continue;
                List<String> cited = new ArrayList<>();
                if (page) LINK.matcher(l.text()).results().map(r -> r.group(1))
                        .filter(t -> !t.contains("://") && !t.startsWith("mailto:")).forEach(cited::add);
                REPO_PATH.matcher(l.text()).results().map(r -> r.group(1)).forEach(cited::add);
                for (String c : cited) {
                    checked++;
                    Path parent = file.getParent() != null ? file.getParent() : Path.of(".");
                    if (!Files.exists(parent.resolve(c)) && !Files.exists(Path.of(c))
                            && !Files.exists(Path.of("docs").resolve(c)))
                        missing.add(l.where() + ": " + c);
                }
            }
        }
        assertEquals(List.of(), missing, "cited, but not in the repository");
        assertTrue(checked > 100, "the scan found only " + checked + " paths: is the pattern still right?");
    }

    /** The command {@code name} ("sample", "bench suite"), or null. */
    private static CommandLine command(CommandLine root, String name) {
        CommandLine c = root;
        for (String part : name.split(" ")) {
            c = c.getSubcommands().get(part);
            if (c == null) return null;
        }
        return c;
    }

    record Line(String where, String text) {}

    /** The lines of {@code file}, a line ending in a backslash joined with the next (a continued command). */
    private static List<Line> lines(Path file) throws IOException {
        List<String> raw = Files.readAllLines(file);
        List<Line> out = new ArrayList<>();
        for (int i = 0; i < raw.size(); i++) {
            int first = i;
            StringBuilder b = new StringBuilder(raw.get(i));
            while (b.toString().endsWith("\\") && i + 1 < raw.size()) {
                b.setLength(b.length() - 1);
                b.append(' ').append(raw.get(++i).trim());
            }
            out.add(new Line(file + ":" + (first + 1), b.toString()));
        }
        return out;
    }

    /** README.md and docs/*.md. */
    private static List<Path> pages() throws IOException {
        try (Stream<Path> s = Files.list(Path.of("docs"))) {
            List<Path> out = new ArrayList<>(List.of(Path.of("README.md")));
            s.filter(p -> p.toString().endsWith(".md")).sorted().forEach(out::add);
            return out;
        }
    }

    /** The Java sources and the scripts. */
    private static List<Path> sources() throws IOException {
        List<Path> out = new ArrayList<>();
        for (String root : new String[]{"src/main/java", "src/test/java", "scripts"})
            try (Stream<Path> s = Files.walk(Path.of(root))) {
                s.filter(p -> p.toString().matches(".*\\.(java|py|sh)$")).sorted().forEach(out::add);
            }
        return out;
    }
}
