package org.kerbscope.capture.internal;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Captures that are not a file the mapping can read as it is: compressed with gzip (RFC 1952), as
 * {@code tcpdump -z gzip}, log collectors and mail leave them and as Wireshark opens them, or read from standard input
 * ({@code tcpdump -w - | kerbscope analyze -}). Their bytes are copied (decompressed) into a temporary file that the
 * mapping then reads. The file is owner-only, in the Java temporary directory, and removed as soon as it is mapped
 * where the system allows it (else when the capture is closed); the user's file is only read. Several gzip members one
 * after the other are one stream, as gzip defines.
 * <p>
 * A stream that ends early or is damaged, or a temporary directory that fills up, keeps what was copied before: the
 * capture's parser reads the frames in it, and {@link Result#problem} says what happened. A small file may hold a
 * huge one (a "zip bomb"): the copy stops while the temporary directory's file system still has {@link #reserve}
 * bytes free, so that a capture never fills the disk of the machine it is read on.
 */
public final class Spool {
    private static final int BUFFER = 1 << 16;
    /** How often the free space is looked at. */
    private static final long CHECK_EVERY = 64L << 20;

    private Spool() {
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
     * @param file the copied bytes, in a temporary file the caller owns (and deletes)
     * @param problem what stopped the copy before the end of the stream, or null
     * @param gzip whether the bytes were decompressed
     */
    public record Result(Path file, long bytes, String problem, boolean gzip) {
    }

    /** The free space a copy leaves on its file system: 5% of it, at least 1 GiB (less on a small one). */
    static long reserve(FileStore store) throws IOException {
        long total = store.getTotalSpace();
        return Math.min(total / 4, Math.max(1L << 30, total / 20));
    }

    /** Decompresses the gzip file {@code gz} into a new temporary file. */
    public static Result decompress(Path gz) throws IOException {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(gz), BUFFER)) {
            return copy(in, true, "the decompressed capture");
        }
    }

    /** Copies a stream (standard input) into a new temporary file, decompressed when it is gzip-compressed. */
    public static Result copy(InputStream stream) throws IOException {
        BufferedInputStream b = new BufferedInputStream(stream, BUFFER);
        b.mark(3);
        byte[] h = b.readNBytes(3);
        b.reset();
        if (isGzip(h, h.length)) {
            return copy(new GZIPInputStream(b, BUFFER), true, "the decompressed capture");
        }
        return copy(b, false, "the capture read from standard input");
    }

    private static Result copy(InputStream in, boolean gzip, String what) throws IOException {
        Path out = Files.createTempFile("kerbscope-capture-", ".tmp"); // POSIX: owner-only
        FileStore store = Files.getFileStore(out);
        long reserve = reserve(store);
        long nextCheck = 0;
        long written = 0;
        String problem = null;
        try (OutputStream o = Files.newOutputStream(out, StandardOpenOption.WRITE)) {
            byte[] buf = new byte[BUFFER];
            while (true) {
                int n;
                try {
                    n = in.read(buf);
                } catch (EOFException e) {
                    problem = gzip ? "the gzip-compressed file ends early (it was cut short)"
                            : "the input ended early (" + e.getMessage() + ")";
                    break;
                } catch (ZipException e) {
                    problem = "the gzip-compressed data is damaged (" + e.getMessage() + ")";
                    break;
                } catch (IOException e) {
                    problem = "the input could not be read further (" + e.getMessage() + ")";
                    break;
                }
                if (n < 0) {
                    break;
                }
                if (written + n > nextCheck) {
                    // what may be written before the next look: up to the reserve
                    long room = store.getUsableSpace() - reserve;
                    if (room < n) {
                        problem = what + " would leave too little free space in the temporary directory "
                                + out.getParent() + " (" + Math.max(0, (room + reserve) >> 20) + " MiB free; "
                                + (reserve >> 20) + " MiB are kept free)";
                        break;
                    }
                    nextCheck = written + Math.min(CHECK_EVERY, room);
                }
                try {
                    o.write(buf, 0, n);
                } catch (IOException e) {
                    problem = "the temporary directory took no more of " + what + " (" + e.getMessage() + ")";
                    break;
                }
                written += n;
            }
        } catch (IOException | RuntimeException e) {
            if (written == 0 && problem == null) {
                Files.deleteIfExists(out);
                throw e;
            }
            problem = problem != null ? problem : "the copy stopped (" + e.getMessage() + ")";
        }
        if (problem != null) {
            // the temporary file may hold a few bytes past the last whole write: only what was counted is read
            try (var ch = java.nio.channels.FileChannel.open(out, StandardOpenOption.WRITE)) {
                if (ch.size() > written) {
                    ch.truncate(written);
                }
            }
            problem += ": the " + written + " bytes " + (gzip ? "decompressed" : "read") + " before it are read";
        }
        return new Result(out, written, problem, gzip);
    }
}
