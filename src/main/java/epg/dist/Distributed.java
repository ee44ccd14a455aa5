// Spec §3 "multi-process runs": a c10d process group (libtorch's TCPStore + ProcessGroupGloo) and its collectives.
package epg.dist;

import epg.nn.ReplicaSum;
import epg.tensor.Torch;
import org.bytedeco.javacpp.chrono.Milliseconds;
import org.bytedeco.pytorch.AllreduceOptions;
import org.bytedeco.pytorch.BroadcastOptions;
import org.bytedeco.pytorch.GlooDeviceVector;
import org.bytedeco.pytorch.MemoryFormatOptional;
import org.bytedeco.pytorch.ProcessGroupGloo;
import org.bytedeco.pytorch.ReduceOp;
import org.bytedeco.pytorch.TCPStore;
import org.bytedeco.pytorch.TCPStoreOptions;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorBase;
import org.bytedeco.pytorch.TensorTensorHook;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.Work;
import org.bytedeco.pytorch.gloo.Device;
import org.bytedeco.pytorch.global.torch;

/**
 * One process of a data-parallel job. {@link #single()} is the one-process group, on which every collective is the
 * identity. Otherwise rank 0 serves a c10d {@code TCPStore} at MASTER_ADDR:MASTER_PORT, every rank joins it and builds
 * a {@code ProcessGroupGloo} (the collectives are libtorch's, nothing is re-implemented here; CUDA tensors are staged
 * through host memory, see docs/distributed.md on NCCL). Every collective is bounded by the rendezvous timeout: when
 * another rank dies or stalls, the call fails with a {@link DistributedException} naming this rank and the operation,
 * instead of hanging.
 */
public final class Distributed implements ReplicaSum, AutoCloseable {
    private static final Distributed SINGLE = new Distributed(Rendezvous.single(), null, null);

    private final Rendezvous where;
    private final TCPStore store;
    private final ProcessGroupGloo gloo;
    private final GradientSum gradientSum;
    private volatile DistributedException failure;

    private Distributed(Rendezvous where, TCPStore store, ProcessGroupGloo gloo) {
        this.where = where;
        this.store = store;
        this.gloo = gloo;
        this.gradientSum = gloo == null ? null : new GradientSum(this);
    }

    public static Distributed single() { return SINGLE; }

    /** The group of the environment's rendezvous (torchrun, SLURM or {@code epg ... --nproc}); else one process. */
    public static Distributed fromEnvironment() { return connect(Rendezvous.fromEnvironment()); }

    /** Joins the job: blocks until every rank has reached the store and the Gloo mesh is connected (or the timeout). */
    public static Distributed connect(Rendezvous r) {
        if (r.worldSize() == 1) return SINGLE;
        Torch.init();
        Milliseconds timeout = new Milliseconds(r.timeoutSeconds() * 1000L);
        try {
            TCPStoreOptions so = new TCPStoreOptions();
            so.port((short) r.masterPort()).isServer(r.rank() == 0).timeout(timeout).useLibUV(false);
            TCPStore store = new TCPStore(r.masterAddr(), so);
            ProcessGroupGloo.Options go = ProcessGroupGloo.Options.create(timeout);
            go.devices(new GlooDeviceVector(device(r)));
            ProcessGroupGloo gloo = new ProcessGroupGloo(store, r.rank(), r.worldSize(), go);
            return new Distributed(r, store, gloo);
        } catch (RuntimeException e) {
            throw new DistributedException("rank " + r.rank() + " of " + r.worldSize() + ": could not join the job at "
                    + r.masterAddr() + ":" + r.masterPort() + " within " + r.timeoutSeconds()
                    + " s (is the port free on rank 0, and did every rank start?): " + e.getMessage(), e);
        }
    }

    /** GLOO_SOCKET_IFNAME names the network interface when set; a loopback master: every rank is on this machine. */
    private static Device device(Rendezvous r) {
        String iface = System.getenv("GLOO_SOCKET_IFNAME");
        if (iface != null && !iface.isBlank()) return ProcessGroupGloo.createDeviceForInterface(iface.trim());
        return r.isLoopback() ? ProcessGroupGloo.createDeviceForHostname("127.0.0.1")
                : ProcessGroupGloo.createDefaultDevice();
    }

    public int rank() { return where.rank(); }

    public int worldSize() { return where.worldSize(); }

    public int localRank() { return where.localRank(); }

    /** Rank 0 logs, writes checkpoints and exports. */
    public boolean isMain() { return where.rank() == 0; }

    @Override
    public int replicas() { return where.worldSize(); }

    /** In place: t ← Σ over ranks of t. */
    public void allReduceSum(Tensor t) { allReduce(t, ReduceOp.RedOpType.SUM, "all-reduce (sum)"); }

    /** In place: t ← max over ranks of t. */
    public void allReduceMax(Tensor t) { allReduce(t, ReduceOp.RedOpType.MAX, "all-reduce (max)"); }

    private void allReduce(Tensor t, ReduceOp.RedOpType op, String name) {
        if (gloo == null) return;
        Tensor host = t.is_cpu() ? t : t.cpu();
        await(allReduceAsync(host, op), name);
        if (!t.is_cpu()) t.copy_(host);
    }

    /** Starts an in-place all-reduce of a contiguous CPU tensor; finish it with {@link #await}. Null on one process. */
    Work allReduceAsync(Tensor t, ReduceOp.RedOpType op) {
        if (gloo == null) return null;
        try {
            return gloo.allreduce(new TensorVector(t), new AllreduceOptions().reduceOp(new ReduceOp(op)));
        } catch (RuntimeException e) {
            throw failed("all-reduce", e);
        }
    }

    /** In place: every rank receives rank 0's t. */
    public void broadcast(Tensor t) {
        if (gloo == null) return;
        Tensor host = t.is_cpu() ? t : t.cpu();
        Work w;
        try {
            w = gloo.broadcast(new TensorVector(host), new BroadcastOptions().rootRank(0));
        } catch (RuntimeException e) {
            throw failed("broadcast", e);
        }
        await(w, "broadcast");
        if (!t.is_cpu()) t.copy_(host);
    }

    /**
     * The rows of every rank, this rank's block first: local [B, …] → [W·B, …] (spec §3: NT-Xent positives stay
     * on the diagonal). The local block is {@code local} itself (its gradient flows); the other blocks are constants.
     */
    public Tensor allGather(Tensor local) {
        if (gloo == null) return local;
        Tensor src = local.detach().cpu().contiguous();
        long[] shape = Torch.shape(src);
        long[] all = shape.clone();
        all[0] *= worldSize();
        Tensor out = torch.empty(all, src.options(), new MemoryFormatOptional()); // [W·B, …]
        Work w;
        try {
            w = gloo._allgather_base(out, src);
        } catch (RuntimeException e) {
            throw failed("all-gather", e);
        }
        await(w, "all-gather");
        TensorVector blocks = new TensorVector(local);
        for (int r = 0; r < worldSize(); r++) {
            if (r == rank()) continue;
            blocks.push_back(out.narrow(0, r * shape[0], shape[0]).to(local.device(), local.scalar_type())); // [B, …]
        }
        return torch.cat(blocks);
    }

    /** Waits until every rank reaches this point. */
    public void barrier() {
        if (gloo == null) return;
        Work w;
        try {
            w = gloo.barrier();
        } catch (RuntimeException e) {
            throw failed("barrier", e);
        }
        await(w, "barrier");
    }

    /** This rank's rows of a global-batch tensor [W·B, …] → [B, …] (rank r holds rows r·B … r·B+B−1). */
    public Tensor slice(Tensor global) {
        if (worldSize() == 1) return global;
        long n = global.size(0);
        if (n % worldSize() != 0)
            throw new IllegalArgumentException("a global batch of " + n + " rows does not split over " + worldSize()
                    + " ranks");
        long b = n / worldSize();
        return global.narrow(0, rank() * b, b);
    }

    /**
     * Σ_r local_r, differentiable: forward local + (allreduce(local) − local) with the correction detached, and a
     * gradient hook on {@code local} that all-reduces (sums) the gradient reaching it, so each rank back-propagates
     * the gradient of every rank's loss with respect to the global sum.
     */
    @Override
    public Tensor sum(Tensor local) {
        if (gloo == null) return local;
        Tensor total = local.detach().clone();
        allReduceSum(total);
        if (!local.requires_grad()) return total;
        local.register_hook(gradientSum);
        return local.add(total.sub(local.detach()));
    }

    /** Throws the failure of a collective that ran inside a gradient hook (hooks cannot throw through autograd). */
    public void checkHooks() {
        DistributedException f = failure;
        if (f != null) throw f;
    }

    void await(Work w, String op) {
        if (w == null) return;
        try {
            w._wait();
        } catch (RuntimeException e) {
            throw failed(op, e);
        }
    }

    private DistributedException failed(String op, RuntimeException e) {
        return new DistributedException("rank " + rank() + " of " + worldSize() + ": " + op
                + " failed; another rank has stopped or did not answer within " + where.timeoutSeconds()
                + " s (EPG_DIST_TIMEOUT). See the other ranks' output for the first error. Cause: "
                + e.getMessage(), e);
    }

    @Override
    public void close() {
        if (gloo != null) {
            gloo.close();
            store.close();
        }
    }

    /** The hook: grad ← Σ over ranks of grad. One per group (JavaCPP callbacks are a scarce native resource). */
    private static final class GradientSum extends TensorTensorHook {
        private final Distributed group;

        GradientSum(Distributed group) { this.group = group; }

        @Override
        public TensorBase call(TensorBase grad) {
            Tensor g = new Tensor(grad).clone();
            try {
                group.allReduceSum(g);
            } catch (DistributedException e) {
                group.failure = e;
            }
            return g;
        }
    }
}
