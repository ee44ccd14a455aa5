// Spec §8: `epg prepare SRC DEST --resolution R`.
package epg.cli;

import epg.data.ImageDecoder;
import epg.data.ImageListing;
import epg.data.Prepare;
import epg.progress.Progress;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "prepare", mixinStandardHelpOptions = true,
        description = "Centre-crops an image folder (class sub-folders, or flat with "
                + "<class>_<id> names) as ADM does, to lossless PNGs "
                + "and DEST/dataset.json. Resumable: finished outputs are kept, those of changed sources redone. "
                + "Bad files are reported and skipped.",
        footerHeading = "%nExample:%n", footer = "  epg prepare ~/imagenet/train data/in256 --resolution 256")
public final class PrepareCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "SRC", description = "Source folder.") Path src;
    @Parameters(index = "1", arity = "0..1", paramLabel = "DEST", description = "Destination folder (or --out).")
    Path destArg;
    @Option(names = "--out", paramLabel = "DEST", description = "The destination folder, when not given as DEST.")
    Path destOption;
    private Path dest;
    @Bounds(min = 1)
    @Option(names = "--resolution", required = true, description = "Output side in pixels.") int resolution;
    @Bounds(min = 1, max = 4096)
    @Option(names = "--threads", description = "Worker threads (default: all cores).")
    int threads = Runtime.getRuntime().availableProcessors();

    @Bounds(min = 1, max = Integer.MAX_VALUE / 3)
    @Option(names = "--max-image-pixels", description = "Largest source image decoded, width x height (default: "
            + "$" + ImageDecoder.MAX_PIXELS_ENV + ", else " + ImageDecoder.DEFAULT_MAX_PIXELS + "); larger ones are "
            + "reported and skipped.")
    Long maxImagePixels;

    @Override
    public Integer call() {
        dest = OutputPath.of(destArg, destOption, "DEST", "the destination folder");
        if (maxImagePixels != null) ImageDecoder.setMaxPixels(maxImagePixels);
        ImageListing listing = ImageListing.scan(src);
        Progress progress = new Progress("prepare", listing.entries().size(), System.err);
        Prepare.Report r = Prepare.run(listing, dest, resolution, threads, progress::step);
        progress.finish();
        r.failures().forEach(f -> System.err.println("skipped " + f.reason()));
        System.out.printf("prepared %d images in %d classes at %dx%d into %s: %d "
                + "written (%d of them for changed sources), %d already done, %d skipped%n",
                r.manifest().images().size(), r.manifest().classes().size(), resolution, resolution, dest, r.written(),
                        r.redone(), r.reused(), r.failures().size());
        return 0;
    }
}
