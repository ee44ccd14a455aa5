// Spec §8: the named datasets `--data` accepts, and opening `--data` (a name or a folder) as a Dataset.
package epg.data;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Every named dataset with its geometry and checksum-pinned sources. A new dataset is one more constant here (IDX
 * layout: {split prefix}-{images-idx3,labels-idx1}-ubyte.gz per split).
 */
public final class DatasetRegistry {
    /** The dataset `--data` names by default. */
    public static final String DEFAULT = "fashion-mnist";

    /**
     * Fashion-MNIST (Xiao, Rasul and Vollgraf 2017): 28×28 grey, 10 classes, 60,000 training and 10,000 test images,
     * padded to 32 px for training. Debian's dataset-fashion-mnist (bookworm) re-packs the authors' .gz files with a
     * normalised gzip header (no file name, another time stamp; same deflate data), hence two sets of checksums;
     * scripts/data/fashion_mnist_upstream_pins.py derives the authors' files from the package's and checks their MD5.
     */
    public static final DatasetSpec FASHION_MNIST = new DatasetSpec(DEFAULT, 28, 28, 1, 10, 2,
            List.of(new DatasetSpec.Split("train", "train", 60_000), new DatasetSpec.Split("test", "t10k", 10_000)),
            new DebianPackage("dataset-fashion-mnist",
                    "pool/main/d/dataset-fashion-mnist/dataset-fashion-mnist_0.0~git20200523.55506a9-1_all.deb",
                    30_900_652, "39e172fe32dd318ebb3e512220c3beea2fa47d7e20bab348fb4e0922d6beefc0",
                    "usr/share/datasets/fashion-mnist", List.of(
                    new PinnedFile("train-images-idx3-ubyte.gz", 26_421_856,
                            "b0564c3eedabfbf835052cff8503ea422014ce006caf5b757f851416ee8300c7"),
                    new PinnedFile("train-labels-idx1-ubyte.gz", 29_491,
                            "0ae29f65d86684f32d1b9c85147786c547b9c6aebcaf235f0400a0cce308b056"),
                    new PinnedFile("t10k-images-idx3-ubyte.gz", 4_422_079,
                            "cc1d090a38ace84dfa1aa66e3ada7c336ef481a96936906477e6dd344da56eaa"),
                    new PinnedFile("t10k-labels-idx1-ubyte.gz", 5_125,
                            "8d3605d196f4be44669e46906da9733c8131fef761fdbfec72c424d5222f1a05"))),
            new UpstreamFiles(URI.create("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"), List.of(
                    new PinnedFile("train-images-idx3-ubyte.gz", 26_421_880,
                            "3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84"),
                    new PinnedFile("train-labels-idx1-ubyte.gz", 29_515,
                            "a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845"),
                    new PinnedFile("t10k-images-idx3-ubyte.gz", 4_422_102,
                            "346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073"),
                    new PinnedFile("t10k-labels-idx1-ubyte.gz", 5_148,
                            "67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5"))));

    private static final Map<String, DatasetSpec> BY_NAME = List.of(FASHION_MNIST).stream()
            .collect(Collectors.toUnmodifiableMap(DatasetSpec::name, Function.identity()));

    /** Fashion-MNIST's class names, in label order. */
    public static final List<String> FASHION_MNIST_CLASSES = List.of("T-shirt/top", "trouser", "pullover", "dress",
            "coat", "sandal", "shirt", "sneaker", "bag", "ankle boot");

    private DatasetRegistry() {}

    /** The class names of the dataset `--data` names, in label order; empty for a folder or an unnamed dataset. */
    public static List<String> classNames(String data) {
        return data != null && data.equalsIgnoreCase(DEFAULT) ? FASHION_MNIST_CLASSES : List.of();
    }

    /** The registered dataset called {@code name} (case-insensitive). */
    public static Optional<DatasetSpec> named(String name) {
        return Optional.ofNullable(BY_NAME.get(name.toLowerCase(Locale.ROOT)));
    }

    /** The registered names, sorted. */
    public static List<String> names() { return BY_NAME.keySet().stream().sorted().toList(); }

    /**
     * The dataset `--data` names: a registered name (found or fetched by {@code locator}), or a folder. A folder
     * holding a registered dataset's files is that dataset (and padded as it is); any other folder opens as it is.
     */
    public static Dataset open(String data, boolean train, DatasetLocator locator) {
        Optional<DatasetSpec> spec = named(data);
        Path dir = spec.isPresent() ? locator.locate(spec.get()) : Path.of(data);
        Optional<DatasetSpec> layout = spec.isPresent() ? spec : recognise(dir);
        Dataset d = Dataset.open(dir, train);
        return layout.isPresent() ? d.pad(layout.get().pad()) : d;
    }

    /** {@link #open(String, boolean, DatasetLocator)} with this process's locator (EPG_DATA, cache, --offline). */
    public static Dataset open(String data, boolean train) {
        return open(data, train, DatasetLocator.fromEnvironment());
    }

    /** The folder of a registered dataset, found or fetched with this process's locator. */
    public static Path locate(DatasetSpec spec) { return DatasetLocator.fromEnvironment().locate(spec); }

    /** The training image side `--data` implies (a registered name or a folder holding one), if any. */
    public static OptionalInt trainingSize(String data) {
        Optional<DatasetSpec> spec = named(data).or(() -> recognise(Path.of(data)));
        return spec.map(s -> OptionalInt.of(s.trainingSize())).orElse(OptionalInt.empty());
    }

    /** The registered dataset whose files {@code dir} holds. */
    static Optional<DatasetSpec> recognise(Path dir) {
        return BY_NAME.values().stream().filter(s -> s.isIn(dir)).findFirst();
    }
}
