// `epg inspect rcm-std MODEL --data D`: the Appendix E collapse diagnostic of a pre-trained RCM encoder, as a table.
package epg.cli;

import epg.data.Dataset;
import epg.data.DatasetRegistry;
import epg.data.Normalization;
import epg.nn.ModelFile;
import epg.nn.RcmEncoder;
import epg.nn.VitEncoder;
import epg.tensor.Torch;
import epg.train.PretrainStage;
import epg.train.RcmStd;
import org.bytedeco.pytorch.global.torch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "rcm-std", mixinStandardHelpOptions = true,
        description = "Prints the mean over channels of the per-channel std of the L2-normalised "
                + "representation h at several noise levels "
                + "(about 1/sqrt(D) when healthy, near 0 when collapsed).",
        footerHeading = "%nExample:%n", footer = "  epg inspect rcm-std runs/rcm --data fashion-mnist")
public final class RcmStdCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL",
            description = "encoder.safetensors (or a pre-training run directory holding one).")
    Path model;
    @Option(names = "--data", defaultValue = DatasetRegistry.DEFAULT,
            description = "A dataset name (fetched when absent) or a dataset folder (default ${DEFAULT-VALUE}).")
    String data;
    @Bounds(min = 1)
    @Option(names = "--images", defaultValue = "1000", description = "Images used (default ${DEFAULT-VALUE}).")
    int images;
    @Bounds(above = 0)
    @Option(names = "--sigmas", split = ",",
            description = "Unshifted noise levels, multiplied by s (default 0.002,0.1,1,10,80).")
    double[] sigmas = RcmStd.DEFAULT_SIGMAS;
    @Option(names = "--normalization", defaultValue = "imagenet",
            description = "RGB normalisation used in training (default ${DEFAULT-VALUE}).")
    String normalization;
    @Bounds(min = 1, max = 1 << 20)
    @Option(names = "--batch", defaultValue = "100",
            description = "Images per forward pass (default ${DEFAULT-VALUE}).")
    int batch;
    @Bounds
    @Option(names = "--seed", defaultValue = "0", description = "Noise seed (default ${DEFAULT-VALUE}).") long seed;
    @Bounds(min = 0, max = 4096)
    @Option(names = "--threads", defaultValue = "0",
            description = "libtorch threads, 0 = default (default ${DEFAULT-VALUE}).")
    int threads;

    @Override
    public Integer call() throws Exception {
        Torch.init();
        if (threads > 0) Torch.setThreads(threads);
        Path file = Files.isDirectory(model) ? model.resolve(PretrainStage.ENCODER_FILE) : model;
        VitEncoder net = ModelFile.load(file, null, true);
        if (!(net instanceof RcmEncoder enc))
            throw new IllegalArgumentException(file + " holds an EPG model, not an RCM encoder");
        Dataset dataset = PretrainStage.openData(data);
        double[] std = RcmStd.measure(enc, dataset, Normalization.parse(normalization), images, sigmas, seed, batch);
        double s = enc.config.shift(), ref = 1 / Math.sqrt(enc.config.dim());
        System.out.printf("%s, D = %d, s = %.3g, %d images; 1/sqrt(D) = %.4f%n", enc.config.name(), enc.config.dim(), s,
                Math.min(images, dataset.size()), ref);
        System.out.printf("%10s %10s %10s %10s%n", "sigma", "sigma*s", "std", "std*sqrtD");
        for (int k = 0; k < sigmas.length; k++)
            System.out.printf("%10.4g %10.4g %10.4f %10.3f%n", sigmas[k], sigmas[k] * s, std[k], std[k] / ref);
        return 0;
    }
}
