package org.kerbscope.capture.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A capture file mapped read-only into memory in windows of {@code 2^chunkShift} bytes. Each window reaches
 * {@code overlap} bytes into the next one, so any read of at most {@code overlap} bytes that starts inside a
 * window is served by that window alone: the parsers never see a seam. A record larger than the overlap
 * (legal in pcapng, never seen in practice) gets a mapping of its own.
 * <p>
 * The page cache holds the bytes, not the Java heap, so memory stays flat whatever the file size. All reads
 * are absolute, so several parsers may share one instance.
 */
public final class MappedFile implements AutoCloseable {
    /** 1 GiB windows: far below the 2 GiB limit of one {@link MappedByteBuffer}. */
    public static final int DEFAULT_CHUNK_SHIFT = 30;
    /** Larger than any block Wireshark accepts (16 MiB), so practically every record fits one window. */
    public static final int DEFAULT_OVERLAP = 16 << 20;

    private final Path path;
    private final FileChannel channel;
    private final long size;
    private final int shift;
    private final int overlap;
    private final ByteBuffer[] windows;
    /** The same windows in network byte order, for the decoders (made when first asked for). */
    private ByteBuffer[] windowsBigEndian;

    public static MappedFile open(Path path) throws IOException {
        return open(path, DEFAULT_CHUNK_SHIFT, DEFAULT_OVERLAP);
    }

    /** Small windows are for tests of files over 2 GiB without writing one. */
    public static MappedFile open(Path path, int chunkShift, int overlap) throws IOException {
        if (chunkShift < 12 || chunkShift > 30 || overlap < 64 || overlap > Integer.MAX_VALUE - (1 << chunkShift)) {
            throw new IllegalArgumentException("bad mapping geometry " + chunkShift + "/" + overlap);
        }
        FileChannel ch = FileChannel.open(path, StandardOpenOption.READ);
        try {
            return new MappedFile(path, ch, chunkShift, overlap);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    private MappedFile(Path path, FileChannel channel, int shift, int overlap) throws IOException {
        this.path = path;
        this.channel = channel;
        this.size = channel.size();
        this.shift = shift;
        this.overlap = overlap;
        long chunk = 1L << shift;
        int n = (int) Math.max(1, (size + chunk - 1) >>> shift);
        windows = new ByteBuffer[n];
        for (int i = 0; i < n; i++) {
            long start = (long) i << shift;
            long len = Math.min(size - start, chunk + overlap);
            windows[i] = map(start, Math.max(0, len));
        }
    }

    private ByteBuffer map(long start, long len) throws IOException {
        if (len == 0) {
            return ByteBuffer.allocate(0).asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
        }
        return channel.map(FileChannel.MapMode.READ_ONLY, start, len).order(ByteOrder.LITTLE_ENDIAN);
    }

    public Path path() {
        return path;
    }

    public long size() {
        return size;
    }

    /** How many mappings the file needed (1 below 1 GiB). */
    public int windowCount() {
        return windows.length;
    }

    private ByteBuffer w(long off) {
        return windows[(int) (off >>> shift)];
    }

    private int rel(long off) {
        return (int) (off & ((1L << shift) - 1));
    }

    /**
     * The window that serves the bytes at {@code off}: a little-endian buffer in which the bytes from
     * {@link #offsetInWindow(long) offsetInWindow(off)} on are the file's bytes from {@code off} on, for at least
     * the overlap (64 bytes or more) or up to the end of the file. Lets a parser read a whole record header with
     * one window look-up.
     */
    public ByteBuffer window(long off) {
        return w(off);
    }

    /**
     * {@link #window(long)} in network byte order (read-only, a shared view): the bytes of a record of at most the
     * overlap ({@link #inOneWindow}) that starts at {@code off} lie in it from {@link #offsetInWindow(long)} on.
     */
    public ByteBuffer windowBigEndian(long off) {
        ByteBuffer[] be = windowsBigEndian;
        if (be == null) {
            be = new ByteBuffer[windows.length];
            for (int i = 0; i < be.length; i++) {
                be[i] = windows[i].duplicate().order(ByteOrder.BIG_ENDIAN);
            }
            windowsBigEndian = be;
        }
        return be[(int) (off >>> shift)];
    }

    /** Whether a record of {@code len} bytes always lies within the window where it starts. */
    public boolean inOneWindow(int len) {
        return len <= overlap;
    }

    /** Where {@code off} lies in {@link #window(long)}. */
    public int offsetInWindow(long off) {
        return rel(off);
    }

    public int u8(long off) {
        return w(off).get(rel(off)) & 0xff;
    }

    public int u16(long off, boolean bigEndian) {
        short s = w(off).getShort(rel(off));
        return (bigEndian ? Short.reverseBytes(s) : s) & 0xffff;
    }

    public int i32(long off, boolean bigEndian) {
        int v = w(off).getInt(rel(off));
        return bigEndian ? Integer.reverseBytes(v) : v;
    }

    public long u32(long off, boolean bigEndian) {
        return i32(off, bigEndian) & 0xffffffffL;
    }

    public long i64(long off, boolean bigEndian) {
        long v = w(off).getLong(rel(off));
        return bigEndian ? Long.reverseBytes(v) : v;
    }

    /**
     * Reads one byte of every 64-byte cache line from {@code from} up to {@code to} (both clamped to the file)
     * and returns a value made of them, so that the reads cannot be optimised away. Walking records is a chain
     * of dependent loads (the next header's place is read from this one), so each header is a cache miss the
     * processor waits for; these loads have no such dependency and run ahead in parallel, and they take the
     * page faults of the mapping ahead of the parser too.
     */
    public int touch(long from, long to) {
        long end = Math.min(to, size);
        int acc = 0;
        long o = from;
        while (o < end) {
            ByteBuffer b = w(o);
            int r = rel(o);
            // Within one window: a plain loop over relative offsets, at most up to the end of the window.
            int stop = (int) Math.min(end - o + r, b.limit());
            for (; r < stop; r += 64) {
                acc += b.get(r);
            }
            o = ((o >>> shift) << shift) + r;
        }
        return acc;
    }

    /** Copies {@code len} bytes (small things only: option values, names). */
    public byte[] bytes(long off, int len) {
        byte[] b = new byte[len];
        if (len <= overlap) {
            w(off).get(rel(off), b);
        } else {
            slice(off, len).get(0, b);
        }
        return b;
    }

    /**
     * A read-only, big-endian view of {@code len} bytes at {@code off}, position 0, without copying. The
     * caller has checked that the range lies inside the file.
     */
    public ByteBuffer slice(long off, int len) {
        if (len <= overlap) {
            return w(off).slice(rel(off), len).order(ByteOrder.BIG_ENDIAN);
        }
        try {
            return channel.map(FileChannel.MapMode.READ_ONLY, off, len).asReadOnlyBuffer();
        } catch (IOException e) {
            throw new IllegalStateException("cannot map " + len + " bytes at offset " + off + " of " + path, e);
        }
    }

    /**
     * Closes the channel. The JDK unmaps the windows once they are unreachable (Java 21 has no supported way
     * to unmap earlier); on Windows the file stays locked until then.
     */
    @Override
    public void close() throws IOException {
        channel.close();
    }
}
