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
 * the capture's parser reads the frames in it, and {@link Result#problem} says what happened.
 */
public final class Gunzip {
    private static final int BUFFER = 1 << 16;

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

    /** Decompresses {@code gz} into a new temporary file. */
    public static Result decompress(Path gz) throws IOException {
        Path out = Files.createTempFile("kerbscope-capture-", ".tmp"); // POSIX: owner-only
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
