// README "Commands": one vocabulary across commands, the same compute options, whole-sentence help with an example.
package epg.cli;

import epg.TestSupport;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CliVocabularyTest {
    /** Every command that computes with a network. */
    static final List<String> COMPUTE = List.of("sample", "evaluate", "denoise", "train", "pretrain", "demo");
    /** Every command that writes a file or folder. */
    static final List<String> WRITERS = List.of("sample", "evaluate", "denoise", "train", "pretrain", "demo", "export",
            "plot", "convert", "prepare");

    @Test
    void everyComputeCommandTakesTheSameDeviceOptions() {
        CommandLine epg = Main.commandLine();
        for (String name : COMPUTE) {
            CommandSpec c = epg.getSubcommands().get(name).getCommandSpec();
            for (String option : List.of("--device", "--precision", "--threads")) {
                OptionSpec o = c.findOption(option);
                assertTrue(o != null && !o.hidden(), name + " lacks " + option);
                assertEquals(String.join(" ", epg.getSubcommands().get("sample").getCommandSpec().findOption(option)
                        .description()), String.join(" ", o.description()), name + " " + option + ": one wording");
            }
        }
        for (String name : List.of("sample", "train", "pretrain"))
            assertTrue(epg.getSubcommands().get(name).getCommandSpec().findOption("--nproc") != null, name);
    }

    @Test
    void everyWriterTakesOut() {
        CommandLine epg = Main.commandLine();
        for (String name : WRITERS)
            assertTrue(epg.getSubcommands().get(name).getCommandSpec().findOption("--out") != null, name);
        // the old spellings remain, hidden
        CommandSpec denoise = epg.getSubcommands().get("denoise").getCommandSpec();
        for (String old : List.of("--input", "--output", "--label")) assertTrue(denoise.findOption(old).hidden(), old);
        CommandSpec sample = epg.getSubcommands().get("sample").getCommandSpec();
        assertTrue(sample.findOption("--steps").hidden(), "sampling's grid points are --points");
        assertTrue(sample.findOption("--points") != null);
        assertTrue(epg.getSubcommands().get("pretrain").getCommandSpec().findOption("--lr").hidden());
        assertTrue(epg.getSubcommands().get("pretrain").getCommandSpec().findOption("--base-lr") != null);
    }

    @Test
    void everyCommandSaysWhatItDoesInASentenceAndShowsAnExample() {
        List<String> bad = new ArrayList<>();
        visit(Main.commandLine(), (name, c) -> {
            String[] d = c.getCommandSpec().usageMessage().description();
            String first = d.length == 0 ? "" : d[0];
            if (!first.matches("[A-Z].*\\.")) bad.add(name + ": summary '" + first + "'");
            String[] footer = c.getCommandSpec().usageMessage().footer();
            if (footer.length == 0 || !footer[0].trim().startsWith("epg ")) bad.add(name + ": no example");
        });
        assertEquals(List.of(), bad);
    }

    @Test
    void aUsageErrorPrintsTheOneWrongThingAndAHint() {
        TestSupport.Cli r = TestSupport.cli("train", "--task", "diffusion", "--stesp", "3");
        assertEquals(2, r.code());
        List<String> lines = r.err().lines().toList();
        assertEquals(1, lines.size(), r.err());
        assertTrue(lines.get(0).contains("Unknown options: '--stesp', '3'"), r.err());
        assertTrue(lines.get(0).contains("did you mean --steps"), "a suggestion: " + r.err());
        assertTrue(lines.get(0).contains("(see epg train --help"), r.err());
        assertFalse(r.err().contains("Usage:"), r.err());
        r = TestSupport.cli("sample");
        assertTrue(r.err().lines().count() == 1 && r.err().contains("Missing required"), r.err());
    }

    /** Every command below {@code line} (not picocli's help), named by its path. */
    private static void visit(CommandLine line, java.util.function.BiConsumer<String, CommandLine> action) {
        for (Map.Entry<String, CommandLine> e : line.getSubcommands().entrySet()) {
            if (Set.of("help").contains(e.getKey())) continue;
            action.accept(e.getValue().getCommandSpec().qualifiedName(), e.getValue());
            visit(e.getValue(), action);
        }
    }
}
