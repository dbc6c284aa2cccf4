package org.kerbscope.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

import org.kerbscope.capture.CaptureReader;
import org.kerbscope.capture.FrameCursor;
import org.kerbscope.core.internal.Log;
import org.kerbscope.core.model.Analysis;
import org.kerbscope.core.model.Diagnostic;
import org.kerbscope.core.model.Frame;
import org.kerbscope.net.NetworkDecoder;

/**
 * Reads one capture, on one thread or on several. On several, this thread walks the file and hands every frame, in
 * batches, to each decoder's thread; each decoder keeps the flows of its share of the clients (see
 * {@link NetworkDecoder#NetworkDecoder(org.kerbscope.net.TransportHandler, org.kerbscope.net.DecoderLimits, int, int)})
 * and fills its own {@link Analysis}. Frames are views into the file mapping, so a batch costs references, not
 * bytes; the queues are short, so memory stays flat whatever the file size.
 */
final class ReadPass {
    /** Frames per hand-over: large enough that queue traffic is negligible, small enough to stay in cache. */
    private static final int BATCH = 2048;
    private static final int QUEUED_BATCHES = 8;
    private static final Frame[] END = new Frame[0];

    private ReadPass() {
    }

    /** @return frames read, first and last capture time */
    static long[] parallel(CaptureReader reader, List<NetworkDecoder> nets, long fileSize, Analysis a,
            Progress progress) {
        List<Worker> workers = new ArrayList<>();
        for (int i = 0; i < nets.size(); i++) {
            Worker w = new Worker(nets.get(i));
            Thread t = new Thread(w, "kerbscope-read-" + i);
            t.setDaemon(true);
            w.thread = t;
            workers.add(w);
            t.start();
        }
        Frame[][] batch = {new Frame[BATCH]};
        int[] inBatch = {0};
        long[] span;
        try {
            span = walk(reader, fileSize, a, progress, f -> {
                batch[0][inBatch[0]++] = f;
                if (inBatch[0] == BATCH) {
                    handOver(workers, batch[0]);
                    batch[0] = new Frame[BATCH];
                    inBatch[0] = 0;
                }
            });
            if (inBatch[0] > 0) {
                handOver(workers, batch[0]);
            }
        } finally {
            handOver(workers, END);
            for (Worker w : workers) {
                join(w.thread);
            }
        }
        for (Worker w : workers) {
            if (w.failure != null) {
                a.diagnostics().add(new Diagnostic(0, "capture", "a reading thread failed ("
                        + w.failure.getClass().getSimpleName() + "); the flows it read after that are missing"));
                Log.error("A reading thread failed", w.failure);
            }
        }
        return span;
    }

    /**
     * One thread does it all, with a cursor: a frame's object is made only when a dissector or a diagnostic needs
     * it, so the frames of conversations nobody reads cost no allocation.
     *
     * @return frames read, first and last capture time
     */
    static long[] serial(CaptureReader reader, NetworkDecoder net, long fileSize, Analysis a, Progress progress) {
        long frames = 0, first = 0, last = 0;
        long size = Math.max(1, fileSize);
        FrameCursor c = new FrameCursor();
        while (reader.advance(c)) {
            if (frames == 0) {
                first = c.timeNanos();
            }
            frames++;
            last = c.timeNanos();
            net.decode(c);
            if ((frames & 0xffff) == 0 && cancelled(frames, size, a, progress)) {
                break;
            }
        }
        net.finish();
        return new long[] {frames, first, last};
    }

    /** Reports progress; true (with a diagnostic) when the user cancelled. */
    private static boolean cancelled(long frames, long size, Analysis a, Progress progress) {
        progress.worked(frames, size);
        if (progress.cancelled()) {
            a.diagnostics().add(new Diagnostic(frames, "capture", "analysis cancelled after frame " + frames));
            return true;
        }
        return false;
    }

    /**
     * Hands every frame of the file, as an object, to {@code each} (for the parallel read, whose batches outlive
     * the reader's position), reporting progress and stopping when the user cancels.
     *
     * @return frames read, first and last capture time
     */
    private static long[] walk(CaptureReader reader, long fileSize, Analysis a, Progress progress,
            java.util.function.Consumer<Frame> each) {
        long frames = 0, first = 0, last = 0;
        long size = Math.max(1, fileSize);
        Frame f;
        while ((f = reader.next()) != null) {
            if (frames == 0) {
                first = f.timeNanos();
            }
            frames++;
            last = f.timeNanos();
            each.accept(f);
            if ((frames & 0xffff) == 0 && cancelled(frames, size, a, progress)) {
                break;
            }
        }
        return new long[] {frames, first, last};
    }

    private static void handOver(List<Worker> workers, Frame[] batch) {
        for (Worker w : workers) {
            boolean interrupted = false;
            while (true) {
                try {
                    w.queue.put(batch);
                    break;
                } catch (InterruptedException e) {
                    interrupted = true; // the batch must still reach the thread, or it would wait forever
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void join(Thread t) {
        boolean interrupted = false;
        while (t.isAlive()) {
            try {
                t.join();
            } catch (InterruptedException e) {
                interrupted = true; // its analysis is still being written: wait for it
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private static final class Worker implements Runnable {
        final BlockingQueue<Frame[]> queue = new ArrayBlockingQueue<>(QUEUED_BATCHES);
        final NetworkDecoder net;
        Thread thread;
        volatile Throwable failure;

        Worker(NetworkDecoder net) {
            this.net = net;
        }

        @Override
        public void run() {
            while (true) {
                Frame[] batch;
                try {
                    batch = queue.take();
                } catch (InterruptedException e) {
                    continue; // only the reading thread ends this one, with END
                }
                if (batch == END) {
                    break;
                }
                if (failure != null) {
                    continue; // keep taking batches so that the reading thread is never blocked
                }
                try {
                    for (Frame f : batch) {
                        if (f == null) {
                            break;
                        }
                        net.decode(f);
                    }
                } catch (Throwable t) {
                    failure = t;
                }
            }
            if (failure == null) {
                try {
                    net.finish();
                } catch (Throwable t) {
                    failure = t;
                }
            }
        }
    }
}
