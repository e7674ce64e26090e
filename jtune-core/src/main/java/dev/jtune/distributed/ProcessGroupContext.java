package dev.jtune.distributed;

import dev.jtune.JTuneException;
import dev.jtune.torch.Engine;
import dev.jtune.torch.Torch;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.javacpp.SizeTPointer;
import org.bytedeco.javacpp.chrono.Milliseconds;
import org.bytedeco.pytorch.AllreduceOptions;
import org.bytedeco.pytorch.BarrierOptions;
import org.bytedeco.pytorch.BroadcastOptions;
import org.bytedeco.pytorch.ByteVector;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.ProcessGroupGloo;
import org.bytedeco.pytorch.Store;
import org.bytedeco.pytorch.StringVector;
import org.bytedeco.pytorch.TCPStore;
import org.bytedeco.pytorch.TCPStoreOptions;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.Work;
import org.bytedeco.pytorch.global.torch;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One rank's membership in a data-parallel job, on libtorch's c10d runtime: the rendezvous store ({@code TCPStore},
 * served by rank 0 at {@code MASTER_ADDR:MASTER_PORT}) and a Gloo process group ({@code ProcessGroupGloo}) with the
 * job's timeout. Everything that crosses processes is a c10d call: {@link #allreduceSum}, {@link #broadcastFromMain},
 * {@link #barrier}, and {@link #gatherRows} (sharded evaluation's predictions: an allreduce of a zero-filled buffer
 * each rank writes its own rows into). Nothing is reduced by hand.
 *
 * <p><b>Failures.</b> A rank that dies closes its Gloo connections, so the others' next collective fails at once
 * (measured on loopback: 0.4 s); a rank that hangs makes them fail after the timeout. Either way the failing call
 * becomes a {@link PeerFailure} naming the rank: each rank bumps a heartbeat counter in the store every second
 * ({@code jtune/hb/R}, on its own store connection); after a failure the counters that stopped moving name the dead
 * ranks, a rank that stopped with its own error has left it under {@code jtune/failed/R} ({@link #reportFailure}),
 * and an unreachable store means rank 0, its host, is gone.
 */
public final class ProcessGroupContext implements AutoCloseable {
    private static final long HEARTBEAT_MS = 1000;

    private final DistributedConfig config;
    private final TCPStore store;
    private final ProcessGroupGloo group;
    private final Store heartbeatStore;
    private final Thread heartbeat;
    private volatile boolean closed;

    private ProcessGroupContext(DistributedConfig config, TCPStore store, ProcessGroupGloo group, Store heartbeatStore) {
        this.config = config;
        this.store = store;
        this.group = group;
        this.heartbeatStore = heartbeatStore;
        this.heartbeat = new Thread(this::beat, "jtune-ddp-heartbeat");
        heartbeat.setDaemon(true);
        heartbeat.start();
    }

    /**
     * Joins the job: rank 0 serves the store and waits for the others; every rank connects and builds the Gloo group.
     * Waits at most the configured timeout for the other ranks.
     */
    public static ProcessGroupContext init(DistributedConfig config) {
        if (!config.isDistributed()) throw new IllegalArgumentException("a process group needs a world size above 1: " + config);
        Engine.init();
        Milliseconds timeout = new Milliseconds(config.timeoutSeconds() * 1000L);
        TCPStore store;
        try {
            TCPStoreOptions o = new TCPStoreOptions();
            o.port((short) config.masterPort());
            o.isServer(config.isMain());
            o.numWorkers(new SizeTPointer(1).put((long) config.worldSize()));
            o.waitWorkers(true);
            o.timeout(timeout);
            store = new TCPStore(config.masterAddr(), o);
        } catch (RuntimeException e) {
            throw new JTuneException("rank " + config.rank() + " could not meet the other " + (config.worldSize() - 1) + " rank(s) at "
                    + config.masterAddr() + ":" + config.masterPort() + " within " + config.timeoutSeconds() + " s (" + firstLine(e) + ")",
                    "every rank connects to rank 0's rendezvous store at MASTER_ADDR:MASTER_PORT (--master-addr/--master-port); "
                            + "rank 0 waits for WORLD_SIZE ranks",
                    "start all WORLD_SIZE ranks with the same MASTER_ADDR and MASTER_PORT (a port free on rank 0's host), "
                            + "or raise --ddp-timeout", e);
        }
        ProcessGroupGloo group;
        try {
            ProcessGroupGloo.Options po = ProcessGroupGloo.Options.create(timeout);
            po.devices().push_back(ProcessGroupGloo.createDefaultDevice());
            group = new ProcessGroupGloo(store, config.rank(), config.worldSize(), po);
        } catch (RuntimeException e) {
            throw new PeerFailure("rank " + config.rank() + " could not build the Gloo process group with the other ranks (" + firstLine(e) + ")", -1, e);
        }
        return new ProcessGroupContext(config, store, group, store.clone());
    }

    public DistributedConfig config() { return config; }
    public int rank() { return config.rank(); }
    public int worldSize() { return config.worldSize(); }
    public boolean isMain() { return config.isMain(); }

    /** Sums {@code t} over the ranks in place (c10d allreduce, SUM); every rank gets the same bytes. */
    public void allreduceSum(Tensor t, String what) {
        AllreduceOptions o = new AllreduceOptions();
        o.timeout(new Milliseconds(config.timeoutSeconds() * 1000L));
        run(() -> group.allreduce(new TensorVector(t), o), what);
    }

    /** Sums integers over the ranks (one allreduce of an int64 tensor). */
    public long[] allreduceSum(long[] values, String what) {
        try (PointerScope s = new PointerScope()) {
            Tensor t = Torch.longs(values.clone(), values.length);
            allreduceSum(t, what);
            return Torch.toLongArray(t);
        }
    }

    /** Sums doubles over the ranks (one allreduce of a float64 tensor: no rounding to float32). */
    public double[] allreduceSum(double[] values, String what) {
        try (DoublePointer p = new DoublePointer(values); PointerScope s = new PointerScope()) {
            Tensor t = torch.from_blob(p, new long[] {values.length}, new TensorOptions(torch.ScalarType.Double)).clone();
            allreduceSum(t, what);
            double[] out = new double[values.length];
            Tensor c = t.contiguous();
            if (out.length > 0) new DoublePointer(c.const_data_ptr()).capacity(out.length).get(out);
            return out;
        }
    }

    /**
     * Gathers the rows of a {@code (total, width)} float matrix that the ranks hold in parts: this rank's
     * {@code rows[k]} (at most {@code width} long; the rest stays 0) is row {@code positions[k]}. One allreduce (SUM)
     * of a zero-filled buffer in which each rank wrote its own rows; as every row is written by one rank only, the
     * sum is exact ({@code 0 + x = x}) and every rank gets the same bytes. Rows no rank wrote are zeros.
     */
    public float[][] gatherRows(int total, int width, int[] positions, float[][] rows, String what) {
        float[] buf = new float[Math.multiplyExact(total, width)];
        for (int k = 0; k < positions.length; k++) System.arraycopy(rows[k], 0, buf, positions[k] * width, Math.min(width, rows[k].length));
        float[] sum;
        try (PointerScope s = new PointerScope()) {
            Tensor t = Torch.floats(buf, total, width);
            allreduceSum(t, what);
            sum = Torch.toFloatArray(t);
        }
        float[][] out = new float[total][width];
        for (int i = 0; i < total; i++) System.arraycopy(sum, i * width, out[i], 0, width);
        return out;
    }

    /** {@link #gatherRows(int, int, int[], float[][], String)} for integer rows (an int64 buffer), e.g. token predictions. */
    public long[][] gatherRows(int total, int width, int[] positions, long[][] rows, String what) {
        long[] buf = new long[Math.multiplyExact(total, width)];
        for (int k = 0; k < positions.length; k++) System.arraycopy(rows[k], 0, buf, positions[k] * width, Math.min(width, rows[k].length));
        long[] sum;
        try (PointerScope s = new PointerScope()) {
            Tensor t = Torch.longs(buf, total, width);
            allreduceSum(t, what);
            sum = Torch.toLongArray(t);
        }
        long[][] out = new long[total][width];
        for (int i = 0; i < total; i++) System.arraycopy(sum, i * width, out[i], 0, width);
        return out;
    }

    /** Overwrites {@code t} with rank 0's values (c10d broadcast from rank 0). */
    public void broadcastFromMain(Tensor t, String what) {
        BroadcastOptions o = new BroadcastOptions();
        o.rootRank(0);
        o.timeout(new Milliseconds(config.timeoutSeconds() * 1000L));
        run(() -> group.broadcast(new TensorVector(t), o), what);
    }

    /**
     * Sums the gradients of {@code params} over the ranks in one allreduce (flattened into one buffer, as DDP's
     * buckets are), with {@code extras} appended (loss, counts, flags: returned as their sums), then multiplies the
     * gradients by {@code gradScale} (1/W for a mean). A parameter without a gradient contributes zeros.
     */
    public double[] allreduceGradients(List<Tensor> params, double[] extras, double gradScale, String what) {
        try (PointerScope s = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
            List<Tensor> parts = new ArrayList<>();
            for (Tensor p : params) {
                Tensor grad = p.grad();
                parts.add(grad.defined() ? grad.reshape(-1).to(torch.ScalarType.Float) : torch.zeros(p.numel()));
            }
            parts.add(Torch.floats(toFloats(extras), extras.length));
            Tensor flat = torch.cat(new TensorVector(parts.toArray(new Tensor[0])));
            allreduceSum(flat, what);
            long off = 0;
            for (Tensor p : params) {
                long n = p.numel();
                Tensor grad = p.grad();
                if (grad.defined()) {
                    Tensor part = flat.narrow(0, off, n).view_as(grad);
                    if (gradScale != 1.0) part = part.mul(new org.bytedeco.pytorch.Scalar(gradScale));
                    grad.copy_(part);
                }
                off += n;
            }
            float[] sums = Torch.toFloatArray(flat.narrow(0, off, extras.length).contiguous());
            double[] out = new double[extras.length];
            for (int i = 0; i < out.length; i++) out[i] = sums[i];
            return out;
        }
    }

    /** Sets every parameter to rank 0's values (one broadcast of the flattened parameters), as DDP does at start. */
    public void broadcastParameters(List<Tensor> params) {
        try (PointerScope s = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
            List<Tensor> parts = new ArrayList<>();
            for (Tensor p : params) parts.add(p.detach().reshape(-1));
            Tensor flat = torch.cat(new TensorVector(parts.toArray(new Tensor[0])));
            broadcastFromMain(flat, "broadcast of rank 0's initial parameters");
            long off = 0;
            for (Tensor p : params) {
                long n = p.numel();
                p.detach().copy_(flat.narrow(0, off, n).view_as(p));
                off += n;
            }
        }
    }

    /** Waits until every rank reached this point (c10d barrier). */
    public void barrier(String what) {
        BarrierOptions o = new BarrierOptions();
        o.timeout(new Milliseconds(config.timeoutSeconds() * 1000L));
        run(() -> group.barrier(o), what);
    }

    /** Leaves this rank's own error in the store, so that the others' message names it (best effort). */
    public void reportFailure(String message) {
        try {
            heartbeatStore.set("jtune/failed/" + config.rank(), message);
        } catch (RuntimeException ignored) {
            // the store (rank 0) may be gone already
        }
    }

    /** Stops the heartbeat. The process group lives until the process exits. */
    @Override
    public void close() {
        closed = true;
        heartbeat.interrupt();
    }

    private interface Collective { Work start(); }

    private void run(Collective c, String what) {
        try (PointerScope s = new PointerScope()) {
            Work w = c.start();
            w._wait();
        } catch (RuntimeException e) {
            if (e instanceof PeerFailure) throw e;
            throw diagnose(e, what);
        }
    }

    /** The failure of a collective, with the rank that caused it when the store can tell. */
    private PeerFailure diagnose(RuntimeException e, String what) {
        String cause = firstLine(e);
        int me = config.rank();
        List<Integer> dead = new ArrayList<>();
        String reported = null;
        int reportedBy = -1;
        boolean storeGone = false;
        try {
            long[] before = beats();
            Thread.sleep(3 * HEARTBEAT_MS);
            long[] after = beats();
            for (int r = 0; r < config.worldSize(); r++) {
                if (r != me && after[r] == before[r]) dead.add(r);
            }
            for (int r = 0; r < config.worldSize() && reported == null; r++) {
                if (r == me) continue;
                String key = "jtune/failed/" + r;
                if (heartbeatStore.check(new StringVector(key))) {
                    reported = string(heartbeatStore.get(key));
                    reportedBy = r;
                }
            }
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException storeError) {
            storeGone = true;
        }
        String who;
        int failed;
        if (reported != null) {
            who = "rank " + reportedBy + " stopped with an error: " + reported;
            failed = reportedBy;
        } else if (!dead.isEmpty()) {
            who = (dead.size() == 1 ? "rank " + dead.get(0) + " is" : "ranks " + dead + " are") + " gone (exited, killed or hung: no heartbeat for "
                    + (3 * HEARTBEAT_MS / 1000) + " s)";
            failed = dead.get(0);
        } else if (storeGone) {
            who = me == 0 ? "the rendezvous store failed" : "rank 0 is gone (its rendezvous store at " + config.masterAddr() + ":" + config.masterPort() + " no longer answers)";
            failed = me == 0 ? -1 : 0;
        } else {
            who = "another rank failed (every heartbeat still moves: a network fault or a timeout of " + config.timeoutSeconds() + " s)";
            failed = -1;
        }
        String msg = "distributed training stopped on rank " + me + " of " + config.worldSize() + ": " + who + "; " + what
                + " failed (" + cause + "). The last complete checkpoint stays valid: resume with the same world size and --resume-from-checkpoint";
        return new PeerFailure(msg, failed, e);
    }

    private long[] beats() {
        long[] b = new long[config.worldSize()];
        for (int r = 0; r < b.length; r++) b[r] = heartbeatStore.add("jtune/hb/" + r, 0);
        return b;
    }

    private void beat() {
        String key = "jtune/hb/" + config.rank();
        while (!closed) {
            try {
                heartbeatStore.add(key, 1);
                Thread.sleep(HEARTBEAT_MS);
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                if (closed) return;
                try {
                    Thread.sleep(HEARTBEAT_MS);
                } catch (InterruptedException ie) {
                    return;
                }
            }
        }
    }

    private static float[] toFloats(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) f[i] = (float) d[i];
        return f;
    }

    private static String string(ByteVector v) {
        byte[] b = new byte[(int) v.size()];
        for (int i = 0; i < b.length; i++) b[i] = v.get(i);
        return new String(b, StandardCharsets.UTF_8);
    }

    static String firstLine(Throwable e) {
        String m = String.valueOf(e.getMessage()).strip();
        String first = m.lines().findFirst().orElse("");
        int at = first.indexOf("] "); // Gloo prefixes its source location: "[/path/pair.cc:547] Connection closed by peer"
        return at > 0 && first.startsWith("[") ? first.substring(at + 2) : first;
    }
}
