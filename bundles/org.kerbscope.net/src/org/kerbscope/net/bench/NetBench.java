package org.kerbscope.net.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.kerbscope.capture.CaptureFile;
import org.kerbscope.capture.CaptureReader;
import org.kerbscope.core.model.Frame;
import org.kerbscope.net.FlowKey;
import org.kerbscope.net.NetworkDecoder;
import org.kerbscope.net.TcpConnection;
import org.kerbscope.net.TransportHandler;

/**
 * {@code NetBench FILE [RUNS]}: frames per second of the index pass and of the full link/IP/TCP/UDP decode
 * with reassembly (after warm-up runs), then {@code tshark -r FILE -T fields -e frame.number} and
 * {@code cat FILE > /dev/null} on the same file, and the ratios.
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

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: NetBench FILE [RUNS]");
            System.exit(2);
        }
        Path file = Path.of(args[0]);
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        long frames;
        try (CaptureFile f = CaptureFile.open(file)) {
            frames = f.index().size();
            System.out.printf("%s: %s, %,d bytes, %,d frames%n", file, f.format(), f.size(), frames);
        }
        double index = best("index pass", runs, () -> {
            try (CaptureFile f = CaptureFile.open(file)) {
                return f.index().size();
            }
        });
        double read = best("read frames", runs, () -> {
            long n = 0, b = 0;
            try (CaptureReader r = CaptureFile.openReader(file)) {
                for (Frame f = r.next(); f != null; f = r.next()) {
                    n++;
                    b += f.capturedLength();
                }
            }
            return n + (b & 0);
        });
        Sink sink = new Sink();
        double decode = best("full decode", runs, () -> {
            long n = 0;
            NetworkDecoder d = new NetworkDecoder(sink);
            try (CaptureReader r = CaptureFile.openReader(file)) {
                for (Frame f = r.next(); f != null; f = r.next()) {
                    d.decode(f);
                    n++;
                }
            }
            d.finish();
            if (!d.diagnostics().isEmpty()) {
                System.out.println("  decoder diagnostics: " + d.diagnostics().size() + ", first: " + d.diagnostics().get(0));
            }
            return n;
        });
        System.gc();
        var heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        try (CaptureFile f = CaptureFile.open(file)) {
            f.index();
            System.gc();
            long used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
            System.out.printf("heap used with the index held: %,d MiB (index arrays %,d MiB; max heap %,d MiB)%n",
                    used >> 20, f.index().heapBytes() >> 20, heap.getMax() >> 20);
        }
        double tshark = external("tshark -r FILE -T fields -e frame.number",
                List.of("tshark", "-r", file.toString(), "-T", "fields", "-e", "frame.number"));
        double cat = external("cat FILE > /dev/null", List.of("cat", file.toString()));
        System.out.printf("%nframes/s: index %,.0f  read %,.0f  full decode %,.0f%n", frames / index, frames / read,
                frames / decode);
        if (tshark > 0) {
            System.out.printf("tshark: %,.0f frames/s; full decode is %.1fx as fast, the index pass %.1fx%n",
                    frames / tshark, tshark / decode, tshark / index);
        }
        if (cat > 0) {
            System.out.printf("cat: %.3f s (%,.0f MB/s); index pass takes %.2fx the time of cat, full decode %.2fx%n",
                    cat, file.toFile().length() / cat / 1e6, index / cat, decode / cat);
        }
    }

    interface Run {
        long run() throws IOException;
    }

    private static double best(String what, int runs, Run r) throws IOException {
        for (int i = 0; i < 2; i++) {
            r.run();
        }
        double best = Double.MAX_VALUE;
        List<String> times = new ArrayList<>();
        long n = 0;
        for (int i = 0; i < runs; i++) {
            long t0 = System.nanoTime();
            n = r.run();
            double s = (System.nanoTime() - t0) / 1e9;
            times.add(String.format("%.3f", s));
            best = Math.min(best, s);
        }
        System.out.printf("%-12s %,d frames, best %.3f s = %,.0f frames/s  (runs: %s)%n", what, n, best, n / best,
                String.join(" ", times));
        return best;
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
