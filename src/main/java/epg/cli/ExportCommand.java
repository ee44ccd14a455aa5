// `epg export RUN [--step N]`: the model file of a kept training checkpoint (docs/architecture.md, checkpoints).
package epg.cli;

import epg.train.CheckpointExport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "export", mixinStandardHelpOptions = true,
        description = {"Writes the model file of a kept checkpoint of a run.",
                "For epg train the EMA weights (what epg sample and epg evaluate read), for epg pretrain the online "
                        + "encoder (what epg train --init reads), with the configuration from RUN/config.json. Equal "
                        + "to the file the run wrote when it reached that step."},
        footerHeading = "%nExample:%n", footer = "  epg export runs/diffusion --step 4000 --out model-4000.safetensors")
public final class ExportCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "RUN", description = "run directory (holds config.json and checkpoints/)")
    Path run;
    @Bounds(min = 1)
    @Option(names = "--step", description = "checkpoint step (default: the newest; runs keep the newest --keep ones)")
    Long step;
    @Option(names = "--out",
            description = "Output file (default: RUN/model-step-N.safetensors, or encoder-step-N for pre-training).")
    Path out;

    @Override
    public Integer call() throws Exception {
        CheckpointExport.Result r = CheckpointExport.export(run, step, out);
        System.out.printf("wrote %s (%s of step %d)%n", r.file(), r.finetuned() ? "EMA model" : "RCM encoder",
                r.step());
        return 0;
    }
}
