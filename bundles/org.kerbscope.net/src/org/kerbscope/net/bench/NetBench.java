package org.kerbscope.net.bench;

import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;
import javax.management.openmbean.TabularData;

import org.kerbscope.capture.CaptureFile;
import org.kerbscope.capture.CaptureReader;
import org.kerbscope.capture.FrameIndex;
import org.kerbscope.core.model.Frame;
import org.kerbscope.net.FlowKey;
import org.kerbscope.net.NetworkDecoder;
import org.kerbscope.net.TcpConnection;
import org.kerbscope.net.TransportHandler;

/**
 * {@code NetBench FILE [RUNS] [--only=index,read,decode,heap,external]}: frames per second of the index pass, of a
 * plain pass over the frames and of the full link/IP/TCP/UDP decode with reassembly (after two warm-up runs),
 * the heap those passes need, then {@code tshark -r FILE -T fields -e frame.number} and {@code cat FILE >
 * /dev/null} on the same file, and the ratios. Without {@code --only} every phase runs.
 * <p>
 * Each run reports wall time and the CPU time of the measuring thread (user and system, so page faults on the
 * mapping count): the machine the numbers come from is shared, and wall time alone then says more about the
 * neighbours than about the code. The rate on CPU time is what the code costs; the rate on wall time is what a
 * user sees. The heap phase reports the largest heap in use after any collection (the live data: what
 * {@code -Xmx} must hold) and the sum of the heap pools' peaks (an upper bound, garbage included); run it with
 * the {@code -Xmx} to check, since a smaller heap collects more often and so peaks lower.
 */
public final class NetBench {
    private NetBench() {
    }

    /** Touches what the decoder hands on, so that nothing is optimised away. */
    static final class Sink implements TransportHandler {
        long bytes, gaps, controls, datagrams;

        @Override
        public void datagram(Frame frame, FlowKey key, ByteBuffer payload, int payloadOffset) {
            datagrams++;
            bytes += payload.remaining();
        }

        @Override
        public void tcpControl(Frame frame, TcpConnection connection, FlowKey key, int kind) {
            controls++;
        }

        @Override
        public void tcpData(Frame frame, TcpConnection connection, boolean fromClient, ByteBuffer data, int dataOffset) {
            bytes += data.remaining();
        }

        @Override
        public void tcpGap(Frame frame, TcpConnection connection, boolean fromClient, long missingBytes) {
            gaps++;
        }
    }

    /** Best wall and CPU seconds of a phase. */
    record Timing(double wall, double cpu) {
    }

    public static void main(String[] args) throws Exception {
        List<String> pos = new ArrayList<>();
        Set<String> only = Set.of("index", "read", "decode", "heap", "external");
        for (String a : args) {
            if (a.startsWith("--only=")) {
                only = Set.copyOf(Arrays.asList(a.substring(7).split(",")));
            } else {
                pos.add(a);
            }
        }
        if (pos.isEmpty()) {
            System.err.println("usage: NetBench FILE [RUNS] [--only=index,read,decode,heap,external]");
            System.exit(2);
        }
        Path file = Path.of(pos.get(0));
        int runs = pos.size() > 1 ? Integer.parseInt(pos.get(1)) : 5;
        long frames;
        try (CaptureFile f = CaptureFile.open(file)) {
            frames = f.index().size();
            System.out.printf("%s: %s, %,d bytes, %,d frames, %d mapping%s; %s, max heap %,d MiB%n", file, f.format(),
                    f.size(), frames, f.mappings(), f.mappings() == 1 ? "" : "s", Runtime.version(),
                    Runtime.getRuntime().maxMemory() >> 20);
        }
        Timing index = null, read = null, decode = null;
        if (only.contains("index")) {
            index = best("index pass", runs, () -> {
                try (CaptureFile f = CaptureFile.open(file)) {
                    return f.index().size();
                }
            });
        }
        if (only.contains("read")) {
            read = best("read frames", runs, () -> readAll(file));
        }
        if (only.contains("decode")) {
            decode = best("full decode", runs, () -> decodeAll(file, true));
        }
        if (only.contains("heap")) {
            heap(file);
        }
        double tshark = -1, cat = -1;
        if (only.contains("external")) {
            tshark = external("tshark -r FILE -T fields -e frame.number",
                    List.of("tshark", "-r", file.toString(), "-T", "fields", "-e", "frame.number"));
            cat = external("cat FILE > /dev/null", List.of("cat", file.toString()));
        }
        System.out.println();
        for (var t : new Object[][] {{"index", index}, {"read", read}, {"full decode", decode}}) {
            if (t[1] instanceof Timing x) {
                System.out.printf("%-12s %,12.0f frames/s wall  %,12.0f frames/s CPU  %6.1f ns/frame CPU  %,6.0f MB/s wall%n",
                        t[0], frames / x.wall(), frames / x.cpu(), x.cpu() * 1e9 / frames,
                        file.toFile().length() / x.wall() / 1e6);
            }
        }
        if (tshark > 0 && decode != null && index != null) {
            System.out.printf("tshark: %,.0f frames/s; full decode is %.1fx as fast, the index pass %.1fx%n",
                    frames / tshark, tshark / decode.wall(), tshark / index.wall());
        }
        if (cat > 0 && decode != null && index != null) {
            System.out.printf("cat: %.3f s (%,.0f MB/s); index pass takes %.2fx the time of cat, full decode %.2fx%n",
                    cat, file.toFile().length() / cat / 1e6, index.wall() / cat, decode.wall() / cat);
        }
    }

    private static long readAll(Path file) throws IOException {
        long n = 0, b = 0;
        try (CaptureReader r = CaptureFile.openReader(file)) {
            for (Frame f = r.next(); f != null; f = r.next()) {
                n++;
                b += f.capturedLength();
            }
        }
        return n + (b & 0);
    }

    private static long decodeAll(Path file, boolean print) throws IOException {
        long n = 0;
        NetworkDecoder d = new NetworkDecoder(new Sink());
        try (CaptureReader r = CaptureFile.openReader(file)) {
            for (Frame f = r.next(); f != null; f = r.next()) {
                d.decode(f);
                n++;
            }
        }
        d.finish();
        if (print && !d.diagnostics().isEmpty()) {
            System.out.println("  decoder diagnostics: " + d.diagnostics().size() + ", first: " + d.diagnostics().get(0));
        }
        return n;
    }

    private static final String GC_NOTIFICATION = "com.sun.management.gc.notification";

    /** The heap the full decode and the index need: live data after collections, and the pools' peaks. */
    private static void heap(Path file) throws IOException {
        AtomicLong maxAfterGc = new AtomicLong();
        // The notification's payload read through the open-MBean types (what
        // com.sun.management.GarbageCollectionNotificationInfo wraps), so that no JDK-internal API is needed.
        NotificationListener l = (n, h) -> {
            if (GC_NOTIFICATION.equals(n.getType()) && n.getUserData() instanceof CompositeData cd
                    && cd.get("gcInfo") instanceof CompositeData info
                    && info.get("memoryUsageAfterGc") instanceof TabularData after) {
                long used = 0;
                for (Object row : after.values()) {
                    CompositeData r = (CompositeData) row;
                    if (isHeap((String) r.get("key"))) {
                        used += MemoryUsage.from((CompositeData) r.get("value")).getUsed();
                    }
                }
                maxAfterGc.accumulateAndGet(used, Math::max);
            }
        };
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            ((NotificationEmitter) gc).addNotificationListener(l, null, null);
        }
        try {
            for (String what : List.of("full decode", "index")) {
                System.gc();
                maxAfterGc.set(0);
                ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
                long t0 = System.nanoTime();
                long held = 0;
                if (what.equals("index")) {
                    try (CaptureFile f = CaptureFile.open(file)) {
                        FrameIndex idx = f.index();
                        System.gc();
                        held = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
                        System.out.printf("heap: index of %,d frames takes %,d MiB (%.1f bytes/frame)%n", idx.size(),
                                idx.heapBytes() >> 20, (double) idx.heapBytes() / Math.max(1, idx.size()));
                    }
                } else {
                    decodeAll(file, false);
                }
                double s = (System.nanoTime() - t0) / 1e9;
                long peaks = 0;
                for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
                    if (p.getType() == MemoryType.HEAP) {
                        peaks += p.getPeakUsage().getUsed();
                    }
                }
                System.out.printf("heap: %-11s most live after a GC %,d MiB, sum of pool peaks %,d MiB%s (%.1f s)%n", what,
                        maxAfterGc.get() >> 20, peaks >> 20,
                        held > 0 ? String.format(", in use with the index held %,d MiB", held >> 20) : "", s);
            }
        } finally {
            for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
                try {
                    ((NotificationEmitter) gc).removeNotificationListener(l);
                } catch (javax.management.ListenerNotFoundException e) {
                    // Nothing to remove: the listener was never registered on this collector.
                }
            }
        }
    }

    private static boolean isHeap(String pool) {
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getName().equals(pool)) {
                return p.getType() == MemoryType.HEAP;
            }
        }
        return false;
    }

    interface Run {
        long run() throws IOException;
    }

    private static Timing best(String what, int runs, Run r) throws IOException {
        for (int i = 0; i < 2; i++) {
            r.run();
        }
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        double best = Double.MAX_VALUE, bestCpu = Double.MAX_VALUE;
        List<String> times = new ArrayList<>();
        long n = 0;
        for (int i = 0; i < runs; i++) {
            long c0 = threads.getCurrentThreadCpuTime();
            long t0 = System.nanoTime();
            n = r.run();
            double s = (System.nanoTime() - t0) / 1e9;
            double c = (threads.getCurrentThreadCpuTime() - c0) / 1e9;
            times.add(String.format("%.3f/%.3f", s, c));
            best = Math.min(best, s);
            bestCpu = Math.min(bestCpu, c);
        }
        System.out.printf("%-12s %,d frames, best %.3f s wall = %,.0f frames/s, best %.3f s CPU = %,.0f frames/s"
                + "  (runs wall/CPU s: %s)%n", what, n, best, n / best, bestCpu, n / bestCpu, String.join(" ", times));
        return new Timing(best, bestCpu);
    }

    private static double external(String label, List<String> cmd) {
        try {
            long t0 = System.nanoTime();
            Process p = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            int rc = p.waitFor();
            double s = (System.nanoTime() - t0) / 1e9;
            if (rc != 0) {
                System.out.println(label + ": exit code " + rc + ", not timed");
                return -1;
            }
            System.out.printf("%-40s %.3f s%n", label, s);
            return s;
        } catch (IOException e) {
            System.out.println(label + ": not available (" + e.getMessage() + ")");
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }
}
