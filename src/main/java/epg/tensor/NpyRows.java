// NumPy .npy format 1.0: one array of a declared shape, its rows appended batch by batch (no whole copy in memory).
package epg.tensor;

import org.bytedeco.pytorch.Tensor;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * A new .npy file of {@code shape} and element type; {@link #write} appends rows [n, ...] in order; the file appears
 * under its name (atomically, {@link AtomicFile}) only when closed with every declared row written.
 */
public final class NpyRows implements AutoCloseable {
    private final Path file;
    private final AtomicFile.Pending pending;
    private final OutputStream out;
    private final Npy.Header header;
    private long rows;

    public NpyRows(Path file, DType dtype, long... shape) throws IOException {
        if (shape.length == 0) throw new IllegalArgumentException("an array of rows needs at least one dimension");
        this.file = file;
        this.header = new Npy.Header(dtype, shape.clone());
        this.pending = AtomicFile.open(file);
        this.out = new BufferedOutputStream(Channels.newOutputStream(pending.channel()), 1 << 20);
        out.write(Npy.header(header));
    }

    /** Appends rows whose trailing shape and element type match the declared array. */
    public void write(Tensor batch) throws IOException {
        Tensor c = batch.detach().cpu().contiguous();
        long[] shape = Torch.shape(c), want = header.shape();
        if (DType.of(c.scalar_type()) != header.dtype() || shape.length != want.length
                || !Arrays.equals(Arrays.copyOfRange(shape, 1, shape.length), Arrays.copyOfRange(want, 1, want.length)))
            throw new IllegalArgumentException("rows " + Arrays.toString(shape) + " " + c.scalar_type() + " do not fit "
                    + file + " " + Arrays.toString(want) + " " + header.dtype());
        if (rows + shape[0] > want[0])
            throw new IllegalArgumentException("more rows than the " + want[0] + " declared for " + file);
        Npy.writeData(out, c);
        rows += shape[0];
    }

    /** Commits the file when every row was written; otherwise removes it and fails. */
    @Override
    public void close() throws IOException {
        try (pending) {
            if (rows != header.shape()[0])
                throw new IOException(file + " received " + rows + " of its " + header.shape()[0] + " rows");
            out.flush();
            pending.commit();
        }
    }
}
