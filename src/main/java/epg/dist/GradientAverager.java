// Spec §3 "multi-process runs": gradient averaging, bucketed as DDP does (flatten, one all-reduce per bucket, ÷ W).
package epg.dist;

import epg.tensor.Scope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.ReduceOp;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.Work;
import org.bytedeco.pytorch.global.torch;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * After backward: every parameter's gradient ← mean over ranks. Parameters are packed in order into buckets of at
 * most {@link #BUCKET_BYTES} (a parameter larger than that is a bucket of its own); all buckets are sent before the
 * first is awaited, so Gloo's threads overlap them. A parameter without a gradient on this rank counts as zeros and
 * gets the averaged gradient only when some rank had one. Call inside the step's scope.
 */
public final class GradientAverager {
    /** DDP's default bucket size, 25 MiB. */
    public static final long BUCKET_BYTES = 25L << 20;

    private final Distributed group;
    private final List<List<Tensor>> buckets = new ArrayList<>();
    private final List<Tensor> pieces;

    public GradientAverager(Distributed group, Collection<Tensor> parameters, long bucketBytes) {
        this(group, List.of(), parameters, bucketBytes);
    }

    /**
     * Also averages {@code flatGradients}, flat gradient buffers (epg.nn.FlatParameters) that are the gradients of
     * other parameters: each is all-reduced in place, in pieces of at most {@code bucketBytes}.
     */
    public GradientAverager(Distributed group, List<Tensor> flatGradients, Collection<Tensor> parameters,
                            long bucketBytes) {
        if (bucketBytes <= 0) throw new IllegalArgumentException("bucket size must be > 0 bytes");
        this.group = group;
        this.pieces = new ArrayList<>();
        for (Tensor f : flatGradients) {
            long per = Math.max(1, bucketBytes / f.element_size());
            for (long o = 0; o < f.numel(); o += per)
                pieces.add(Scope.keep(f.narrow(0, o, Math.min(per, f.numel() - o))));     // [n]
        }
        List<Tensor> current = new ArrayList<>();
        long bytes = 0;
        for (Tensor p : parameters) {
            long size = p.numel() * p.element_size();
            if (!current.isEmpty() && bytes + size > bucketBytes) {
                buckets.add(current);
                current = new ArrayList<>();
                bytes = 0;
            }
            current.add(p);
            bytes += size;
        }
        if (!current.isEmpty()) buckets.add(current);
    }

    public GradientAverager(Distributed group, Collection<Tensor> parameters) { this(group, parameters, BUCKET_BYTES); }

    /** As {@link #GradientAverager(Distributed, List, Collection, long)} with DDP's bucket size. */
    public GradientAverager(Distributed group, List<Tensor> flatGradients, Collection<Tensor> parameters) {
        this(group, flatGradients, parameters, BUCKET_BYTES);
    }

    /** All-reduces per step: the per-tensor buckets and the pieces of the flat buffers. */
    public int buckets() { return buckets.size() + pieces.size(); }

    /** The collective: grads ← (Σ_r grads_r) / W on every rank. Does nothing on one process. */
    public void average() {
        if (group.worldSize() == 1) return;
        try (NoGradGuard g = new NoGradGuard()) {
            List<Tensor> sent = new ArrayList<>();
            List<Work> works = new ArrayList<>();
            for (Tensor piece : pieces) {
                Tensor host = piece.cpu();                                                  // [n] (Gloo: host)
                sent.add(host);
                works.add(group.allReduceAsync(host, ReduceOp.RedOpType.SUM));
            }
            List<Tensor> flats = new ArrayList<>();
            for (List<Tensor> bucket : buckets) {
                TensorVector parts = new TensorVector();
                for (Tensor p : bucket)
                    parts.push_back((p.grad().defined() ? p.grad() : torch.zeros_like(p)).reshape(-1)); // [n_p]
                Tensor flat = torch.cat(parts).cpu();                                       // [Σ n_p] (Gloo: host)
                flats.add(flat);
                works.add(group.allReduceAsync(flat, ReduceOp.RedOpType.SUM));
            }
            Scalar w = new Scalar((double) group.worldSize());
            for (int i = 0; i < sent.size(); i++) {
                group.await(works.get(i), "gradient all-reduce");
                Tensor piece = pieces.get(i);
                if (sent.get(i).data_ptr().address() == piece.data_ptr().address()) piece.div_(w);
                else piece.copy_(sent.get(i).div_(w));
            }
            for (int i = 0; i < buckets.size(); i++) {
                group.await(works.get(sent.size() + i), "gradient all-reduce");
                flats.get(i).div_(new Scalar((double) group.worldSize()));
                unpack(buckets.get(i), flats.get(i));
            }
        }
    }

    private static void unpack(List<Tensor> bucket, Tensor flat) {
        long offset = 0;
        for (Tensor p : bucket) {
            long n = p.numel();
            Tensor part = flat.narrow(0, offset, n).view(p.sizes().vec().get());   // [shape of p]
            offset += n;
            if (p.grad().defined()) p.grad().copy_(part);
            else if (part.ne(new Scalar(0.0)).any().item_bool())
                p.mutable_grad().put(part.to(p.device(), p.scalar_type()));
        }
    }
}
