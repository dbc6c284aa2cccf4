import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * What a pass over a file in the page cache costs through a mapping and through reads, on this machine: the
 * question behind the analysis' streamed reading (releng/bench/RESULTS.md, "Twenty-fourth session"). Run with the
 * JDK's source launcher, no build needed:
 *
 * <pre>
 *   $JAVA_HOME/bin/java releng/bench/PageFaults.java FILE [ROUNDS]
 * </pre>
 *
 * Each round, in turn: read the file with positional reads into one 4 MiB direct buffer (what
 * {@code MappedFile.streamed()} does), map it afresh and touch one byte of every 4 KiB page (the page faults alone),
 * map it afresh and read a long every 64 bytes (a parser's pass through a mapping). Each pass sums what it read so
 * that the JIT cannot drop it. On a machine whose page faults are cheap the three are close; where a hypervisor
 * keeps the page tables the mapping's passes cost several times the read.
 */
public class PageFaults {
    private static final long WINDOW = 1L << 30;

    public static void main(String[] args) throws IOException {
        if (args.length < 1) {
            System.err.println("usage: java releng/bench/PageFaults.java FILE [ROUNDS]");
            System.exit(2);
        }
        Path file = Path.of(args[0]);
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            System.out.printf("%s: %d MiB; %d rounds%n", file, size >> 20, rounds);
            // the loops compiled first (on the first 64 MiB), so that no round measures the interpreter
            long warm = 0;
            for (int i = 0; i < 20; i++) {
                warm += read(ch, Math.min(size, 64L << 20)) + touchPages(ch, Math.min(size, 8L << 20), 4096)
                        + touchPages(ch, Math.min(size, 8L << 20), 64);
            }
            System.out.printf("(warmed up: %x)%n", warm);
            for (int r = 1; r <= rounds; r++) {
                long t0 = System.nanoTime();
                long a = read(ch, size);
                long t1 = System.nanoTime();
                long b = touchPages(ch, size, 4096);
                long t2 = System.nanoTime();
                long c = touchPages(ch, size, 64);
                long t3 = System.nanoTime();
                System.out.printf("round %d: read into a 4 MiB buffer %.2f s; mapping, a byte per page %.2f s; "
                        + "mapping, a long per 64 bytes %.2f s   (%x)%n", r, (t1 - t0) / 1e9, (t2 - t1) / 1e9,
                        (t3 - t2) / 1e9, a ^ b ^ c);
            }
        }
    }

    private static long read(FileChannel ch, long size) throws IOException {
        ByteBuffer buf = ByteBuffer.allocateDirect(4 << 20).order(ByteOrder.LITTLE_ENDIAN);
        long sum = 0;
        for (long off = 0; off < size;) {
            buf.clear();
            int n = ch.read(buf, off);
            if (n <= 0) {
                break;
            }
            for (int i = 0; i + 8 <= n; i += 64) {
                sum += buf.getLong(i);
            }
            off += n;
        }
        return sum;
    }

    private static long touchPages(FileChannel ch, long size, int step) throws IOException {
        long sum = 0;
        for (long start = 0; start < size; start += WINDOW) {
            long len = Math.min(WINDOW, size - start);
            MappedByteBuffer m = ch.map(FileChannel.MapMode.READ_ONLY, start, len);
            m.order(ByteOrder.LITTLE_ENDIAN);
            int end = (int) len;
            if (step >= 8) {
                for (int i = 0; i + 8 <= end; i += step) {
                    sum += m.getLong(i);
                }
            } else {
                for (int i = 0; i < end; i += step) {
                    sum += m.get(i);
                }
            }
        }
        return sum;
    }
}
