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

import org.apache.commons.compress.compressors.lz4.FramedLZ4CompressorInputStream;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdIOException;
import com.github.luben.zstd.ZstdInputStreamNoFinalizer;

/**
 * Captures that are not a file the mapping can read as it is: compressed ({@link Compression}: gzip, zstd or lz4, as
 * {@code tcpdump -z gzip}, log rotation, collectors and mail leave them and as Wireshark opens them), or read from
 * standard input ({@code tcpdump -w - | kerbscope analyze -}). Their bytes are copied (decompressed) into a temporary
 * file that the mapping then reads. The file is owner-only, in the Java temporary directory, and removed as soon as
 * it is mapped where the system allows it (else when the capture is closed); the user's file is only read. Several
 * members or frames one after the other are one stream, as each format defines.
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

    /**
     * The compressions Wireshark reads a capture in, each known by its first bytes: gzip (RFC 1952), zstd (RFC 8878;
     * a frame, or a skippable frame before one) and the LZ4 frame format. Zstd is decompressed by the reference
     * library (zstd-jni), LZ4 by Apache Commons Compress (pure Java; it checks the frame's checksums). Compress imports
     * Commons IO and Codec, which its LZ4 decoder needs, as optional: this bundle imports their packages too, so that
     * they are there wherever it is.
     */
    public enum Compression {
        GZIP("gzip"), ZSTD("zstd"), LZ4("lz4");

        /** The name diagnostics and messages use. */
        public final String label;

        Compression(String label) {
            this.label = label;
        }

        /** The compression the first bytes show, or null. */
        public static Compression of(byte[] head, int n) {
            if (n >= 3 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b && head[2] == 8) {
                return GZIP; // ID1, ID2 and the deflate method
            }
            if (n < 4) {
                return null;
            }
            int le = (head[0] & 0xff) | (head[1] & 0xff) << 8 | (head[2] & 0xff) << 16 | (head[3] & 0xff) << 24;
            if (le == 0xFD2FB528 || (le & 0xFFFFFFF0) == 0x184D2A50) {
                return ZSTD; // a zstd frame, or a skippable frame (which zstd and lz4 share)
            }
            if (le == 0x184D2204) {
                return LZ4;
            }
            return null;
        }

        /** A stream of what {@code raw} holds, decompressed; several members or frames in a row are one stream. */
        InputStream decoder(InputStream raw) throws IOException {
            return switch (this) {
                case GZIP -> new GZIPInputStream(raw, BUFFER);
                case ZSTD -> zstd(raw);
                case LZ4 -> new FramedLZ4CompressorInputStream(raw, true);
            };
        }
    }

    /** The reference library's decoder; where its native code cannot be loaded, the command that does it instead. */
    private static InputStream zstd(InputStream raw) throws IOException {
        try {
            return new ZstdInputStreamNoFinalizer(raw);
        } catch (LinkageError e) {
            throw new IOException("the zstd library cannot be loaded on this system (" + e.getMessage()
                    + "): decompress the capture first, zstd -d FILE", e);
        }
    }

    /**
     * The first bytes of what the compressed file holds, at most {@code n}.
     *
     * @throws IOException when not even they can be decompressed
     */
    public static byte[] head(Path file, Compression c, int n) throws IOException {
        try (InputStream in = c.decoder(new BufferedInputStream(Files.newInputStream(file), BUFFER))) {
            return in.readNBytes(n);
        } catch (EOFException e) {
            // a stream cut short within its first bytes: what was there
            return new byte[0];
        } catch (IOException e) {
            throw new IOException(why(e, String.valueOf(file.getFileName())), e);
        }
    }

    /**
     * Why a decoder stopped, in the user's terms. A zstd frame may ask for a window over 128 MiB ({@code zstd --long});
     * the decoder, like the {@code zstd} tool and Wireshark, does not allocate that much for a file's say-so: the
     * user gets the command that decompresses it.
     */
    static String why(IOException e, String name) {
        if (e instanceof ZstdIOException z && z.getErrorCode() == Zstd.errFrameParameterWindowTooLarge()) {
            return "compressed with a window over 128 MiB (zstd --long): decompress it first, zstd -d --long=31 "
                    + name;
        }
        return e.getMessage();
    }

    /**
     * @param file the copied bytes, in a temporary file the caller owns (and deletes)
     * @param problem what stopped the copy before the end of the stream, or null
     * @param compression what the bytes were decompressed from, or null
     */
    public record Result(Path file, long bytes, String problem, Compression compression) {
    }

    /** The free space a copy leaves on its file system: 5% of it, at least 1 GiB (less on a small one). */
    static long reserve(FileStore store) throws IOException {
        long total = store.getTotalSpace();
        return Math.min(total / 4, Math.max(1L << 30, total / 20));
    }

    /** Decompresses the file {@code file}, compressed with {@code c}, into a new temporary file. */
    public static Result decompress(Path file, Compression c) throws IOException {
        try (Source raw = new Source(Files.newInputStream(file))) {
            return copy(raw, c, "the decompressed capture");
        }
    }

    /** Copies a stream (standard input) into a new temporary file, decompressed when it is compressed. */
    public static Result copy(InputStream stream) throws IOException {
        Source raw = new Source(stream);
        raw.mark(4);
        byte[] h = raw.readNBytes(4);
        raw.reset();
        Compression c = Compression.of(h, h.length);
        return copy(raw, c, c != null ? "the decompressed capture" : "the capture read from standard input");
    }

    /** The compressed bytes as read: knows whether their end was reached, which tells a cut file from a damaged one. */
    private static final class Source extends BufferedInputStream {
        boolean ended;

        Source(InputStream in) {
            super(in, BUFFER);
        }

        @Override
        public synchronized int read() throws IOException {
            int b = super.read();
            ended |= b < 0;
            return b;
        }

        @Override
        public synchronized int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            ended |= n < 0;
            return n;
        }
    }

    private static Result copy(Source raw, Compression c, String what) throws IOException {
        InputStream in;
        try {
            in = c == null ? raw : c.decoder(raw);
        } catch (IOException e) {
            // the decoder reads the stream's header at once: a stream cut or damaged there holds nothing to read
            throw new IOException((raw.ended ? "the " + c.label + "-compressed file ends within its header"
                    : "the " + c.label + "-compressed data cannot be read (" + why(e, "FILE") + ")"), e);
        }
        try (in) {
            return copy(in, raw, c, what);
        }
    }

    private static Result copy(InputStream in, Source raw, Compression c, String what) throws IOException {
        Path out = Files.createTempFile("kerbscope-capture-", ".tmp"); // POSIX: owner-only
        FileStore store = Files.getFileStore(out);
        long reserve = reserve(store);
        long nextCheck = 0;
        long written = 0;
        String problem = null;
        try (OutputStream o = Files.newOutputStream(out, StandardOpenOption.WRITE)) {
            // the buffer is filled before it is written: a decoder may hand out a few bytes per read (LZ4's
            // literals and matches), and a write each would be a system call each
            byte[] buf = new byte[BUFFER];
            boolean end = false;
            while (!end) {
                int filled = 0;
                while (filled < buf.length) {
                    int n;
                    try {
                        n = in.read(buf, filled, buf.length - filled);
                    } catch (IOException e) {
                        if (c == null) {
                            problem = "the input could not be read further (" + e.getMessage() + ")";
                        } else if (raw.ended || e instanceof EOFException) {
                            problem = "the " + c.label + "-compressed file ends early (it was cut short)";
                        } else {
                            String why = why(e, "FILE");
                            problem = "the " + c.label + "-compressed data "
                                    + (why.equals(e.getMessage()) ? "is damaged (" : "cannot be read further (") + why + ")";
                        }
                        end = true;
                        break;
                    }
                    if (n < 0) {
                        end = true;
                        break;
                    }
                    filled += n;
                }
                if (filled == 0) {
                    break;
                }
                if (written + filled > nextCheck) {
                    // what may be written before the next look: up to the reserve
                    long room = store.getUsableSpace() - reserve;
                    if (room < filled) {
                        problem = what + " would leave too little free space in the temporary directory "
                                + out.getParent() + " (" + Math.max(0, (room + reserve) >> 20) + " MiB free; "
                                + (reserve >> 20) + " MiB are kept free)";
                        break;
                    }
                    nextCheck = written + Math.min(CHECK_EVERY, room);
                }
                try {
                    o.write(buf, 0, filled);
                } catch (IOException e) {
                    problem = "the temporary directory took no more of " + what + " (" + e.getMessage() + ")";
                    break;
                }
                written += filled;
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
            problem += ": the " + written + " bytes " + (c != null ? "decompressed" : "read") + " before it are read";
        }
        return new Result(out, written, problem, c);
    }
}
