package org.kerbscope.capture.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
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
 * <p>
 * A {@linkplain #streamed() streamed} instance serves one pass in file order instead: it reads the file with
 * positional reads into one buffer of its own, which {@link #window(long)} moves forward, and copies what must
 * outlive the pass ({@link #slice}, {@link #bytes}). Mapping a page of the file costs its first reader a page
 * fault; on a virtual machine whose page tables the hypervisor keeps, that costs several times the copy a read makes
 * (measured with releng/bench/PageFaults.java: touching every page of a 1.2 GiB capture through a mapping
 * 0.57–0.61 s, reading it through a 4 MiB buffer 0.14–0.17 s; see releng/bench/RESULTS.md, "Twenty-fourth session").
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
    /** Streamed: what a step of the pass reads at once, beyond the overlap. */
    static final int STREAM_CHUNK = 4 << 20;
    /**
     * Streamed: how many bytes from any offset {@link #window(long)} guarantees, and the largest record served from
     * the buffer; larger records (pcapng allows 16 MiB, practice never comes near) are copied apart. Every pcap
     * record Wireshark accepts (256 KiB) fits.
     */
    static final int STREAM_OVERLAP = 1 << 20;
    /** Streamed: the buffer (little-endian) and the same bytes in network byte order; null when mapped. */
    private final ByteBuffer main;
    private final ByteBuffer mainBigEndian;
    /** Streamed: the file offset of the buffer's first byte, and how many bytes from there it holds. */
    private long base;
    private int filled;
    /** Streamed: a small buffer for the few reads outside the pass' place (a Network Monitor frame table). */
    private final ByteBuffer side;
    private long sideBase = -1;
    private int sideFilled;
    /** Streamed: where {@link #w(long)} found the bytes it returned (the main or the side buffer's base). */
    private long nearBase;

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
        this.main = null;
        this.mainBigEndian = null;
        this.side = null;
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

    /** A streamed instance over the same file ({@link #streamed()}). */
    private MappedFile(MappedFile mapped) {
        this.path = mapped.path;
        this.channel = mapped.channel;
        this.size = mapped.size;
        this.shift = 30;
        this.overlap = STREAM_OVERLAP;
        this.windows = null;
        // allocated once for the pass; its own pages are faulted once, not the file's
        this.main = ByteBuffer.allocateDirect((int) Math.min(STREAM_CHUNK + STREAM_OVERLAP, Math.max(64, size)))
                .order(ByteOrder.LITTLE_ENDIAN);
        this.main.limit(0);
        this.mainBigEndian = main.duplicate().order(ByteOrder.BIG_ENDIAN);
        this.side = ByteBuffer.allocateDirect(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
    }

    /**
     * The same file for one pass in file order by one thread, read into a buffer instead of through the mapping.
     * The windows it hands out are that buffer, whose bytes change as the pass moves on: what must stay is copied
     * ({@link #slice}, {@link #bytes}). It shares this instance's channel, which closing it leaves open.
     */
    public MappedFile streamed() {
        return new MappedFile(this);
    }

    /** Whether this instance is {@linkplain #streamed() streamed}. */
    public boolean isStreamed() {
        return windows == null;
    }

    public Path path() {
        return path;
    }

    public long size() {
        return size;
    }

    /** How many mappings the file needed (1 below 1 GiB). */
    public int windowCount() {
        return windows == null ? 0 : windows.length;
    }

    private ByteBuffer w(long off) {
        ByteBuffer[] ws = windows;
        return ws != null ? ws[(int) (off >>> shift)] : near(off);
    }

    private int rel(long off) {
        return windows != null ? (int) (off & ((1L << shift) - 1)) : (int) (off - nearBase);
    }

    /**
     * Streamed: the buffer that holds the (at most 8) bytes at {@code off}, the main one when it does, else the
     * side buffer, filled around them; {@link #nearBase} says where it starts. Past the end of the file the
     * returned buffer's limit makes the read fail as a mapping's would.
     */
    private ByteBuffer near(long off) {
        long mainEnd = base + filled;
        if (off >= base && (off + 8 <= mainEnd || mainEnd == size)) {
            nearBase = base;
            return main;
        }
        long sideEnd = sideBase + sideFilled;
        if (sideBase < 0 || off < sideBase || off + 8 > sideEnd && sideEnd < size) {
            long from = Math.max(0, Math.min(off, size - side.capacity()));
            int want = (int) Math.min(side.capacity(), size - from);
            sideFilled = read(side, from, want);
            sideBase = from;
            if (sideFilled < want) {
                throw shrunk(from + sideFilled);
            }
        }
        nearBase = sideBase;
        return side;
    }

    /** Streamed: makes the main buffer hold the bytes from {@code off} for the overlap or up to the end of the file. */
    private void ensure(long off) {
        long need = Math.max(0, Math.min(overlap, size - off));
        if (off >= base && off + need <= base + filled) {
            return;
        }
        int keep = 0;
        if (off >= base && off < base + filled) {
            // the bytes from off on are there already: moved to the front, the rest read after them
            keep = (int) (base + filled - off);
            ByteBuffer from = main.duplicate();
            from.limit(filled).position((int) (off - base));
            main.limit(main.capacity()).position(0);
            main.put(from);
        }
        base = Math.max(0, Math.min(off, size));
        filled = keep;
        int want = (int) Math.min(main.capacity(), size - base);
        filled = keep + read(main, base + keep, want - keep, keep);
        main.limit(filled).position(0);
        mainBigEndian.limit(filled).position(0);
        if (filled < want) {
            throw shrunk(base + filled);
        }
    }

    /** Streamed: the file has fewer bytes than when it was opened (another program cut it). */
    private IllegalStateException shrunk(long at) {
        long now;
        try {
            now = channel.size();
        } catch (IOException e) {
            now = -1;
        }
        return new IllegalStateException(path + " has shrunk since it was opened (from " + size + " bytes"
                + (now >= 0 ? " to " + now : "") + "): byte offset " + at + " can no longer be read");
    }

    private int read(ByteBuffer into, long from, int len) {
        return read(into, from, len, 0);
    }

    /** Reads {@code len} bytes at {@code from} into {@code into} at {@code at}: fewer when the file has shrunk. */
    private int read(ByteBuffer into, long from, int len, int at) {
        into.limit(into.capacity()).position(at);
        into.limit(at + len);
        int got = 0;
        try {
            while (got < len) {
                int n = channel.read(into, from + got);
                if (n < 0) {
                    break; // the file is shorter than when it was opened: what follows reads as missing
                }
                got += n;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path + " at byte offset " + (from + got), e);
        }
        into.limit(at + got).position(0);
        return got;
    }

    /**
     * The window that serves the bytes at {@code off}: a little-endian buffer in which the bytes from
     * {@link #offsetInWindow(long) offsetInWindow(off)} on are the file's bytes from {@code off} on, for at least
     * the overlap (64 bytes or more) or up to the end of the file. Lets a parser read a whole record header with
     * one window look-up.
     */
    public ByteBuffer window(long off) {
        if (windows == null) {
            ensure(off);
            nearBase = base;
            return main;
        }
        return w(off);
    }

    /**
     * {@link #window(long)} in network byte order (read-only, a shared view): the bytes of a record of at most the
     * overlap ({@link #inOneWindow}) that starts at {@code off} lie in it from {@link #offsetInWindow(long)} on.
     */
    public ByteBuffer windowBigEndian(long off) {
        if (windows == null) {
            ensure(off);
            nearBase = base;
            return mainBigEndian;
        }
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

    /** Where {@code off} lies in {@link #window(long)} (streamed: in the window it last returned). */
    public int offsetInWindow(long off) {
        if (windows == null) {
            return (int) (off - base);
        }
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
        if (windows == null) {
            return 0; // streamed: the read has just brought the bytes into the cache
        }
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
        if (windows == null) {
            copy(off, b);
        } else if (len <= overlap) {
            w(off).get(rel(off), b);
        } else {
            slice(off, len).get(0, b);
        }
        return b;
    }

    /**
     * A read-only, big-endian view of {@code len} bytes at {@code off}, position 0, without copying (streamed: a
     * copy, which stays valid after the pass moves on). The caller has checked that the range lies inside the file.
     */
    public ByteBuffer slice(long off, int len) {
        if (windows == null) {
            // streamed: the buffer's bytes change as the pass moves on, so what is handed out is a copy
            byte[] b = new byte[len];
            copy(off, b);
            return ByteBuffer.wrap(b).asReadOnlyBuffer().order(ByteOrder.BIG_ENDIAN);
        }
        if (len <= overlap) {
            return w(off).slice(rel(off), len).order(ByteOrder.BIG_ENDIAN);
        }
        try {
            return channel.map(FileChannel.MapMode.READ_ONLY, off, len).asReadOnlyBuffer();
        } catch (IOException e) {
            throw new IllegalStateException("cannot map " + len + " bytes at offset " + off + " of " + path, e);
        }
    }

    /** Streamed: the file's bytes at {@code off} into {@code b}, from the buffer where it holds them. */
    private void copy(long off, byte[] b) {
        if (off >= base && off + b.length <= base + filled) {
            main.get((int) (off - base), b);
            return;
        }
        int got = read(ByteBuffer.wrap(b), off, b.length);
        if (got < b.length) {
            throw shrunk(off + got);
        }
    }

    /**
     * Closes the channel (a streamed instance leaves it to the instance it came from). The JDK unmaps the windows
     * once they are unreachable (Java 21 has no supported way to unmap earlier); on Windows the file stays locked
     * until then.
     */
    @Override
    public void close() throws IOException {
        if (windows != null) {
            channel.close();
        }
    }
}
