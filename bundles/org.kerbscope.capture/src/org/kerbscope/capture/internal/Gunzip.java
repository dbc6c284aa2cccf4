package org.kerbscope.capture.internal;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Captures compressed with gzip (RFC 1952), as {@code tcpdump -z gzip}, log collectors and mail leave them and as
 * Wireshark opens them: decompressed into a temporary file that the mapping then reads. The file is owner-only, in
 * the Java temporary directory, and removed as soon as it is mapped where the system allows it (else when the capture
 * is closed); the user's file is only read. Several members one after the other are one stream, as gzip defines.
 * <p>
 * A stream that ends early or is damaged, or a temporary directory that fills up, keeps what was decompressed before:
 * the capture's parser reads the frames in it, and {@link Result#problem} says what happened. A small file may hold a
 * huge one (a "zip bomb"): the decompression stops while the temporary directory's file system still has
 * {@link #reserve} bytes free, so that a capture never fills the disk of the machine it is read on.
 */
public final class Gunzip {
    private static final int BUFFER = 1 << 16;
    /** How often the free space is looked at. */
    private static final long CHECK_EVERY = 64L << 20;

    private Gunzip() {
    }

    /** Whether the bytes start as gzip does (ID1, ID2 and the deflate method). */
    public static boolean isGzip(byte[] head, int n) {
        return n >= 3 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b && head[2] == 8;
    }

    /**
     * The first bytes of what the gzip file holds, at most {@code n}.
     *
     * @throws IOException when not even they can be decompressed
     */
    public static byte[] head(Path gz, int n) throws IOException {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(gz), BUFFER)) {
            return in.readNBytes(n);
        } catch (EOFException e) {
            // a stream cut short within its first bytes: what was there
            return new byte[0];
        }
    }

    /**
     * @param file the decompressed bytes, in a temporary file the caller owns (and deletes)
     * @param problem what stopped the decompression before the end of the stream, or null
     */
    public record Result(Path file, long bytes, String problem) {
    }

    /** The free space a decompression leaves on its file system: 5% of it, at least 1 GiB (less on a small one). */
    static long reserve(java.nio.file.FileStore store) throws IOException {
        long total = store.getTotalSpace();
        return Math.min(total / 4, Math.max(1L << 30, total / 20));
    }

    /** Decompresses {@code gz} into a new temporary file. */
    public static Result decompress(Path gz) throws IOException {
        Path out = Files.createTempFile("kerbscope-capture-", ".tmp"); // POSIX: owner-only
        java.nio.file.FileStore store = Files.getFileStore(out);
        long reserve = reserve(store);
        long nextCheck = 0;
        long written = 0;
        String problem = null;
        try (InputStream in = new GZIPInputStream(Files.newInputStream(gz), BUFFER);
                OutputStream o = Files.newOutputStream(out, StandardOpenOption.WRITE)) {
            byte[] buf = new byte[BUFFER];
            while (true) {
                int n;
                try {
                    n = in.read(buf);
                } catch (EOFException e) {
                    problem = "the gzip-compressed file ends early (it was cut short)";
                    break;
                } catch (ZipException e) {
                    problem = "the gzip-compressed data is damaged (" + e.getMessage() + ")";
                    break;
                }
                if (n < 0) {
                    break;
                }
                if (written + n > nextCheck) {
                    // what may be written before the next look: up to the reserve
                    long room = store.getUsableSpace() - reserve;
                    if (room < n) {
                        problem = "the decompressed capture would leave too little free space in the temporary directory "
                                + out.getParent() + " (" + Math.max(0, (room + reserve) >> 20) + " MiB free; "
                                + (reserve >> 20) + " MiB are kept free)";
                        break;
                    }
                    nextCheck = written + Math.min(CHECK_EVERY, room);
                }
                try {
                    o.write(buf, 0, n);
                } catch (IOException e) {
                    problem = "the temporary directory took no more of the decompressed capture (" + e.getMessage()
                            + ")";
                    break;
                }
                written += n;
            }
        } catch (IOException | RuntimeException e) {
            if (written == 0 && problem == null) {
                Files.deleteIfExists(out);
                throw e;
            }
            problem = problem != null ? problem : "the decompression stopped (" + e.getMessage() + ")";
        }
        if (problem != null) {
            // the temporary file may hold a few bytes past the last whole write: only what was counted is read
            try (var ch = java.nio.channels.FileChannel.open(out, StandardOpenOption.WRITE)) {
                if (ch.size() > written) {
                    ch.truncate(written);
                }
            }
            problem += ": the " + written + " bytes decompressed before it are read";
        }
        return new Result(out, written, problem);
    }
}
