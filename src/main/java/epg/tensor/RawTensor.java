// Tensors to and from raw little-endian bytes, the common ground of the checkpoint formats.
package epg.tensor;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.concurrent.atomic.AtomicLong;

final class RawTensor {
    /** Bytes allocated by {@link #empty} so far: what the hostile-input tests bound. */
    private static final AtomicLong ALLOCATED = new AtomicLong();
    private static final int CHUNK = 1 << 20;

    private RawTensor() {}

    /**
     * A new uninitialised CPU tensor for data read from a file. Every reader allocates through here, after it has
     * checked the size against the file's length.
     */
    static Tensor empty(DType dtype, long[] shape) {
        Torch.init();
        ALLOCATED.addAndGet(Torch.numel(shape) * dtype.bytes);
        return torch.empty(shape, Torch.options(dtype.scalarType), null);
    }

    /** The bytes {@link #empty} has allocated in this process. */
    static long allocatedBytes() { return ALLOCATED.get(); }

    /**
     * A new tensor of {@code shape} filled from {@code in}, in chunks (no second copy of the data on the heap); fails
     * naming {@code source} when the stream ends early.
     */
    static Tensor read(InputStream in, DType dtype, long[] shape, String source) throws IOException {
        Tensor t = empty(dtype, shape);
        long n = Torch.numel(shape) * dtype.bytes, got = readInto(in, t, n);
        if (got < n) throw new IOException(source + ": the data ends after " + got + " of " + n + " bytes (truncated "
                + "file?)");
        return t;
    }

    /**
     * A new tensor of {@code shape} read from {@code ch} at {@code position} by positional reads straight into its
     * memory: no mapping of the file stays behind for the garbage collector to release, and no second copy is made.
     * Fails naming {@code source} when the file ends early.
     */
    static Tensor read(FileChannel ch, long position, DType dtype, long[] shape, String source) throws IOException {
        return read(ch, position, dtype, shape, source, 1 << 30); // a ByteBuffer holds at most 2 GiB
    }

    /** The same in reads of at most {@code chunk} bytes. */
    static Tensor read(FileChannel ch, long position, DType dtype, long[] shape, String source, int chunk)
            throws IOException {
        Tensor t = empty(dtype, shape);
        long n = Torch.numel(shape) * dtype.bytes;
        for (long done = 0; done < n; ) {
            long end = Math.min(n, done + chunk);
            BytePointer at = new BytePointer(t.data_ptr()).capacity(n).getPointer(done);   // address + done
            ByteBuffer dst = at.limit(end - done).asByteBuffer();
            while (dst.hasRemaining()) {
                if (ch.read(dst, position + done + dst.position()) < 0)
                    throw new IOException(source + ": the data ends after " + (done + dst.position()) + " of " + n
                            + " bytes (truncated file?)");
            }
            done = end;
        }
        return t;
    }

    /** Reads up to {@code n} bytes of {@code in} into contiguous CPU tensor {@code t}; returns how many it read. */
    static long readInto(InputStream in, Tensor t, long n) throws IOException {
        BytePointer dst = new BytePointer(t.data_ptr()).capacity(n);
        byte[] buf = new byte[(int) Math.min(CHUNK, Math.max(n, 1))];
        long done = 0;
        while (done < n) {
            int got = in.readNBytes(buf, 0, (int) Math.min(buf.length, n - done));
            if (got <= 0) break;
            dst.position(done).put(buf, 0, got);
            done += got;
        }
        return done;
    }

    /** A view of a contiguous CPU tensor's bytes (valid while {@code contiguousCpu} lives). */
    static ByteBuffer bytes(Tensor contiguousCpu) {
        long n = contiguousCpu.numel() * contiguousCpu.element_size();
        if (n == 0) return ByteBuffer.allocate(0);
        return new BytePointer(contiguousCpu.data_ptr()).capacity(n).asByteBuffer();
    }
}
