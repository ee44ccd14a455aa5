// libtorch access for the whole project: thread count, dtypes, devices, tensors to and from Java arrays.
package epg.tensor;

import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.DeviceOptional;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

import java.util.Arrays;

/** libtorch access: thread count, tensor options, devices, and tensors to and from Java arrays. */
public final class Torch {
    private static volatile boolean initialised;

    private Torch() {}

    static { Natives.load(); } // whatever Torch call comes first (init() among them) finds the natives loaded

    /** Loads libtorch once and sets its intra-op thread count (EPG_THREADS, default: all cores). */
    public static synchronized void init() {
        if (initialised) return;
        int threads = positiveEnv("EPG_THREADS", Runtime.getRuntime().availableProcessors(), "use all cores");
        initialised = true;
        setThreads(threads);
    }

    private static volatile int blasThreads;

    /**
     * libtorch's intra-op threads, and the BLAS's threads with them (OpenBLAS's own pool, else matmuls oversubscribe
     * the cores; MKL's count on the OpenMP pool), or EPG_BLAS_THREADS when set: on a machine shared with other work,
     * OpenBLAS's pool next to libtorch's OpenMP pool made training steps several times slower (docs/benchmarks.md).
     */
    public static void setThreads(int threads) {
        init();
        torch.set_num_threads(Math.max(1, threads));
        int blas = positiveEnv("EPG_BLAS_THREADS", Math.max(1, threads), "follow the libtorch thread count");
        blasThreads = blas;
        org.bytedeco.openblas.global.openblas.blas_set_num_threads(blas);
    }

    /** The whole number >= 1 in environment variable {@code name}, or {@code fallback} when it is unset or blank. */
    private static int positiveEnv(String name, int fallback, String unsetMeans) {
        String env = System.getenv(name);
        if (env == null || env.isBlank()) return fallback;
        try {
            int n = Integer.parseInt(env.trim());
            if (n >= 1) return n;
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(name + " must be a whole number >= 1, got '" + env + "'; unset it to "
                + unsetMeans);
    }

    /** The BLAS's thread count as last set by {@link #setThreads} ({@link Blas#active()} says which library). */
    public static int blasThreads() { init(); return blasThreads; }

    public static int threads() { init(); return torch.get_num_threads(); }

    public static TensorOptions options(ScalarType dtype) {
        return new TensorOptions().dtype(new ScalarTypeOptional(dtype));
    }

    public static TensorOptions options(ScalarType dtype, Device device) {
        return options(dtype).device(new DeviceOptional(device));
    }

    public static Device device(String name) {
        return new Device(name);
    }

    public static Scalar scalar(double v) { return new Scalar(v); }

    public static long[] shape(Tensor t) { return t.sizes().vec().get(); }

    public static String shapeString(Tensor t) { return Arrays.toString(shape(t)); }

    public static long numel(long[] shape) {
        long n = 1;
        for (long s : shape) n *= s;
        return n;
    }

    public static Tensor zeros(ScalarType dtype, long... shape) { init(); return torch.zeros(shape, options(dtype)); }

    public static Tensor zeros(long... shape) { return zeros(ScalarType.Float, shape); }

    public static Tensor ones(long... shape) { init(); return torch.ones(shape, options(ScalarType.Float)); }

    /** A float32 tensor of the given shape holding a copy of {@code data}. */
    public static Tensor fromFloats(float[] data, long... shape) {
        init();
        check(data.length, shape);
        try (FloatPointer p = new FloatPointer(data)) {
            return torch.from_blob(p, shape, options(ScalarType.Float)).clone();
        }
    }

    public static Tensor fromDoubles(double[] data, long... shape) {
        init();
        check(data.length, shape);
        try (DoublePointer p = new DoublePointer(data)) {
            return torch.from_blob(p, shape, options(ScalarType.Double)).clone();
        }
    }

    public static Tensor fromLongs(long[] data, long... shape) {
        init();
        check(data.length, shape);
        try (LongPointer p = new LongPointer(data)) {
            return torch.from_blob(p, shape, options(ScalarType.Long)).clone();
        }
    }

    /** The elements of {@code t} as float32 in row-major order. */
    public static float[] toFloats(Tensor t) {
        Tensor c = t.detach().cpu().to(ScalarType.Float).contiguous();
        float[] out = new float[Math.toIntExact(c.numel())];
        FloatPointer p = c.data_ptr_float();
        p.capacity(out.length).get(out);
        return out;
    }

    public static double[] toDoubles(Tensor t) {
        Tensor c = t.detach().cpu().to(ScalarType.Double).contiguous();
        double[] out = new double[Math.toIntExact(c.numel())];
        DoublePointer p = c.data_ptr_double();
        p.capacity(out.length).get(out);
        return out;
    }

    public static long[] toLongs(Tensor t) {
        Tensor c = t.detach().cpu().to(ScalarType.Long).contiguous();
        long[] out = new long[Math.toIntExact(c.numel())];
        LongPointer p = c.data_ptr_long();
        p.capacity(out.length).get(out);
        return out;
    }

    public static ScalarType dtype(Tensor t) { return t.scalar_type(); }

    private static void check(int length, long[] shape) {
        if (numel(shape) != length)
            throw new IllegalArgumentException("data of length " + length + " does not fill shape "
                    + Arrays.toString(shape));
    }
}
