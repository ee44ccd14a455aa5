// `epg models`: every preset of spec §2.3 with its shape, parameter count and compute per forward.
package epg.cli;

import epg.config.ModelConfig;
import epg.config.ModelSize;
import epg.config.Presets;
import picocli.CommandLine.Command;

import java.io.PrintStream;

@Command(name = "models", mixinStandardHelpOptions = true,
        description = "Lists the model presets with their shape, parameter count and GFLOPs per forward.",
        footerHeading = "%nExample:%n", footer = "  epg models")
public final class ModelsCommand implements Runnable {
    @Override
    public void run() { print(System.out); }

    static void print(PrintStream out) {
        out.printf("%-11s %-4s %6s %5s  %-14s %-14s %16s %9s%n", "preset", "kind", "pixels", "patch", "encoder",
                "decoder", "parameters", "GFLOPs");
        for (ModelConfig c : Presets.all().values()) {
            String enc = c.depth() + "x" + c.dim() + "/" + c.heads();
            String dec = c.kind() == ModelConfig.Kind.EPG ? c.decoderDepth() + "x" + c.decoderDim() + "/"
                    + c.decoderHeads() : "proj " + c.projOut();
            out.printf("%-11s %-4s %6d %5d  %-14s %-14s %,16d %9.2f%n", c.name(), c.kind(), c.imageSize(),
                    c.patchSize(), enc, dec,
                    ModelSize.parameters(c), ModelSize.gflops(c));
        }
        out.println("Counts at 3 channels and 1000 classes (10 for the 32 px presets); GFLOPs = multiply-accumulates "
                + "of Linear/Conv layers per image.");
    }
}
