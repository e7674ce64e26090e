package dev.jtune.trainer;

import dev.jtune.tokenization.DataCollatorWithPadding;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * HF's DataLoader worker, in-process: pads the next micro-batches (Java arrays, {@link Batch.Host}) on a background
 * thread while the current step runs, so the training thread only copies finished arrays into tensors. Batches come
 * out in the given order, whatever the timing, so training is the same with or without prefetching. Texts are
 * tokenized once, up front ({@link Features}); what is left per step is padding and labels.
 *
 * <p>Native memory stays on the caller's thread: {@link #next()} makes the tensors there, inside its PointerScope.
 */
final class BatchPrefetcher implements AutoCloseable {
    private final Features features;
    private final DataCollatorWithPadding collator;
    private final List<int[]> order;
    private final int depth;
    private final ExecutorService worker;
    private final Deque<Future<Batch.Host>> ahead = new ArrayDeque<>();
    private int submitted;

    /**
     * @param order the micro-batches (row indices) in the order they will be asked for
     * @param depth how many batches to prepare ahead; 0 pads on the caller's thread
     */
    BatchPrefetcher(Features features, DataCollatorWithPadding collator, List<int[]> order, int depth) {
        this.features = features;
        this.collator = collator;
        this.order = order;
        this.depth = depth;
        this.worker = depth > 0 ? Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "jtune-collate");
            t.setDaemon(true);
            return t;
        }) : null;
        fill();
    }

    private void fill() {
        while (worker != null && ahead.size() < depth && submitted < order.size()) {
            int[] rows = order.get(submitted++);
            ahead.add(worker.submit(() -> Batch.pad(features, rows, collator)));
        }
    }

    /** The next micro-batch as tensors (call inside the step's PointerScope). */
    Batch next() {
        if (worker == null) {
            if (submitted >= order.size()) throw new NoSuchElementException("no more micro-batches");
            return Batch.pad(features, order.get(submitted++), collator).toBatch();
        }
        Future<Batch.Host> f = ahead.poll();
        if (f == null) throw new NoSuchElementException("no more micro-batches");
        Batch.Host host;
        try {
            host = f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the next batch", e);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof RuntimeException re) throw re;
            if (c instanceof Error err) throw err;
            throw new IllegalStateException(c);
        }
        fill();
        return host.toBatch();
    }

    @Override
    public void close() {
        if (worker != null) {
            ahead.forEach(f -> f.cancel(true));
            worker.shutdownNow();
        }
    }
}
