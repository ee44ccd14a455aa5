// docs/robustness.md (option bounds): every numeric option of every command, probed with NaN, ±Infinity, 0 and -1.
package epg.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The options come from picocli's model of {@link Main#commandLine}, so an option added later is probed without
 * editing this test, which then fails until {@link #LEGAL} says which of 0 and -1 it accepts (and the option has a
 * {@link Bounds}). NaN, Infinity and -Infinity are never accepted. Each value is parsed and checked as the command
 * line does before a command runs; nothing is executed.
 */
class NumericOptionsTest {
    /** "command --option" → the values among 0 and -1 that it accepts. */
    private static final Map<String, Set<String>> LEGAL = new LinkedHashMap<>();

    private static void legal(String command, String options, String... values) {
        for (String o : options.split(" ")) LEGAL.put(command + " " + o, Set.of(values));
    }

    static {
        String run = "--resolution --batch --stop-at --log-every --checkpoint-every --workers --nproc";
        for (String c : new String[]{"pretrain", "train"}) {
            legal(c, run + " --steps --lr");
            legal(c, "--beta1 --beta2 --weight-decay --warmup --keep --threads", "0");
            legal(c, "--seed", "0", "-1");
        }
        legal("pretrain", "--momentum", "0");
        legal("pretrain", "--tau-max --tau-min --proj-out --proj-hidden");
        legal("train", "--lrd", "0");
        legal("train", "--clip --ema --label-dropout --dropout --loss-weight-floor --aux-weight --preview-every", "0");
        legal("train", "--p-mean", "0", "-1");
        legal("train", "--p-std --ect-stage --huber-c --aux-tau");
        legal("inspect rcm-std", "--images --sigmas --batch");
        legal("inspect rcm-std", "--threads", "0");
        legal("inspect rcm-std", "--seed", "0", "-1");
        legal("prepare", "--resolution --threads --max-image-pixels");
        legal("export", "--step");
        legal("demo", "--budget");
        legal("demo", "--scale", "0");
        legal("demo", "--threads", "0");
        legal("demo", "--seed", "0", "-1");
        legal("sample", "--num --steps --points --mid-sigma --batch --nproc");
        legal("pretrain", "--base-lr");
        for (String c : new String[]{"sample", "denoise", "evaluate"}) legal(c, "--threads", "0");
        legal("sample", "--cfg --cfg-interval --classes --autoguidance", "0");
        legal("denoise", "--sigma");
        legal("denoise", "--label", "0");
        legal("evaluate", "--batch --num --steps --points");
        legal("evaluate", "--cfg", "0");
        legal("inspect pca", "--num --scale");
        legal("inspect pca", "--sigmas --label", "0");
        legal("inspect pca", "--seed", "0", "-1");
        legal("bench model", "--batch --steps --rounds");
        legal("bench suite", "--rounds");
        legal("bench model", "--warmup", "0");
        legal("bench data", "--workers --batch --batches --images");
        legal("view", "--port", "0");
        legal("view", "--queue");
    }

    private static final List<String> PROBES = List.of("NaN", "Infinity", "-Infinity", "1e400", "0", "-1");

    @Test
    void everyNumericOptionRefusesNonFiniteValuesAndTakesZeroAndNegativesOnlyWhereLegal() {
        List<String> problems = new ArrayList<>();
        Map<String, OptionSpec> options = numericOptions();
        for (Map.Entry<String, OptionSpec> e : options.entrySet()) {
            String key = e.getKey();
            if (OptionBounds.bounds(e.getValue()) == null)
                problems.add(key + " has no @Bounds: declare its legal range");
            Set<String> legal = LEGAL.get(key);
            if (legal == null) {
                problems.add(key + " is not in LEGAL: add a row saying which of 0 and -1 it accepts");
                continue;
            }
            for (String v : PROBES) {
                String refusal = refusal(key, v);
                boolean accepted = refusal == null, shouldBe = legal.contains(v);
                if (accepted != shouldBe)
                    problems.add(key + " " + v + (accepted ? " was accepted" : " was refused: " + refusal));
                else if (!accepted && (refusal.contains("\n") || !refusal.contains(e.getValue().longestName())))
                    problems.add(key + " " + v + ": the error is not one line naming the option: " + refusal);
            }
        }
        for (String key : LEGAL.keySet())
            if (!options.containsKey(key)) problems.add("LEGAL names " + key + ", which is no numeric option");
        assertEquals(List.of(), problems);
        assertTrue(options.size() >= 70, "only " + options.size() + " numeric options found");
    }

    /** Every numeric option (or array or list of numbers) of every command, as "command [sub] --option". */
    static Map<String, OptionSpec> numericOptions() {
        Map<String, OptionSpec> out = new LinkedHashMap<>();
        collect(Main.commandLine(), "", out);
        return out;
    }

    private static void collect(CommandLine line, String path, Map<String, OptionSpec> out) {
        for (OptionSpec o : line.getCommandSpec().options())
            if (numeric(o)) out.put(path + " " + o.longestName(), o);
        line.getSubcommands().forEach((name, sub) -> {
            if (!sub.getCommandSpec().equals(line.getCommandSpec()) && !name.equals("help"))
                collect(sub, (path.isEmpty() ? "" : path + " ") + name, out);
        });
    }

    private static boolean numeric(ArgSpec a) {
        Class<?> t = a.type().isArray() ? a.type().getComponentType()
                : a.auxiliaryTypes().length > 0 && !a.type().isPrimitive() && !Number.class.isAssignableFrom(a.type())
                ? a.auxiliaryTypes()[0] : a.type();
        return t.isPrimitive() ? t != boolean.class && t != char.class : Number.class.isAssignableFrom(t);
    }

    /** One command line for every probe: picocli resets every value before it parses again. */
    private static final CommandLine ROOT = Main.commandLine();

    /** Parses "command ... --option value" with placeholders for what else is required; null when accepted. */
    private static String refusal(String key, String value) {
        int cut = key.lastIndexOf(' ');
        String[] path = key.substring(0, cut).trim().split(" ");
        String option = key.substring(cut + 1);
        CommandLine root = ROOT, line = root;
        for (String p : path) line = line.getSubcommands().get(p);
        List<String> args = new ArrayList<>(List.of(path));
        for (ArgSpec a : line.getCommandSpec().args()) {
            if (!a.required() || (a instanceof OptionSpec o && o.longestName().equals(option))) continue;
            if (a instanceof OptionSpec o) args.add(o.longestName());
            args.add(numeric(a) ? "1" : "placeholder");
        }
        args.add(option + "=" + value);
        try {
            OptionBounds.check(root.parseArgs(args.toArray(String[]::new)));
            return null;
        } catch (CommandLine.ParameterException e) {
            return ErrorLine.of(e);
        }
    }

    @Test
    void theBoundsReadAsTheHelpWouldSayThem() {
        Map<String, OptionSpec> o = numericOptions();
        assertEquals("> 0", OptionBounds.describe(OptionBounds.bounds(o.get("pretrain --lr"))));
        assertEquals("in [0, 1)", OptionBounds.describe(OptionBounds.bounds(o.get("train --beta2"))));
        assertEquals("in [1, 1048576]", OptionBounds.describe(OptionBounds.bounds(o.get("sample --batch"))));
        assertEquals(">= 0", OptionBounds.describe(OptionBounds.bounds(o.get("train --keep"))));
        assertEquals("", OptionBounds.describe(OptionBounds.bounds(o.get("train --p-mean"))));
        assertFalse(OptionBounds.inside(OptionBounds.bounds(o.get("train --ema")), 1.0));
        assertTrue(OptionBounds.inside(OptionBounds.bounds(o.get("train --label-dropout")), 1.0));
    }
}
