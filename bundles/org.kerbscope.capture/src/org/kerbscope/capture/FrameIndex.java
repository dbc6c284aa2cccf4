package org.kerbscope.capture;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Where each frame of a capture lies, for random access (the workbench's packet list): data offset,
 * timestamp, captured and original length, link type. Frame numbers are 1-based.
 * <p>
 * The index of a multi-gigabyte capture must fit a small heap beside everything else, so the frames are
 * stored in blocks of {@value #BLOCK} as variable-length numbers, each relative to the frame before it: the
 * gap between one frame's bytes and the next's (the record header: the same for every frame of a pcap), the
 * time since the previous frame (in micro- or milliseconds when the whole block allows it), the captured
 * length, and the original length and link type only when they differ from the captured length and from
 * the block's one link type. A frame of the 1 and 4 GiB benchmark pcaps takes 5 bytes instead of the 28 of
 * plain arrays (a 4.4 GiB capture of 13.9 million frames: 61 MiB). Looking a frame up decodes its block
 * (64 frames: 1 to 2 microseconds) and keeps the last decoded block, so reading the fields of one frame or
 * of neighbouring frames one after the other decodes once (in file order: about 10 ns a field).
 * Comments are kept aside, since few frames have one.
 * <p>
 * {@link #add} is for the one thread that builds the index. Other threads may read it meanwhile (the workbench
 * lists the frames indexed so far) when the building thread adds while holding the index's write lock, as
 * {@link CaptureFile#index(java.util.function.BooleanSupplier)} does a batch of frames at a time: every read
 * takes the read lock, so it sees whole frames only, and waits at most for one batch. The lock is fair: a thread
 * that waits to read gets in before the builder's next batch (with a plain monitor the builder took it again and
 * again, and the workbench's UI thread waited up to 73 ms at a time while a big capture was listed).
 */
public final class FrameIndex {
    static final int BLOCK_BITS = 6;
    static final int BLOCK = 1 << BLOCK_BITS;
    /**
     * Heap bytes per frame, at most, for a pcap of frames up to 256 KiB on one link type, not cut by a snaplen,
     * whose timestamps are less than 0.13 s apart (134 s in a microsecond pcap), plus the unused end of the
     * last page (at most 128 KiB). Other captures take a byte or a few more for each thing a frame does not
     * share with the others. {@link #heapBytes()} gives the actual figure of an index.
     */
    public static final int BYTES_PER_FRAME = 8;

    /** Flags of a block: the time unit of its deltas (the low 2 bits), and what all its frames share. */
    private static final int UNIT_MASK = 3, SAME_GAP = 4, SAME_LINK = 8, WHOLE = 16;
    private static final long[] UNITS = {1, 1_000, 1_000_000};
    /**
     * Largest page of the stream; pages start small so a small capture takes little. Well below half of G1's
     * smallest region (1 MiB): a larger array is "humongous" and takes whole regions, which doubled the heap
     * of 1 MiB pages.
     */
    private static final int MAX_PAGE = 128 << 10;
    /** Worst encoded size of one block: flags, gap, link, then five 10-byte numbers per frame. */
    private static final int MAX_BLOCK_BYTES = 1 + 10 + 10 + BLOCK * 5 * 10;

    /** Per block: data offset and time of its first frame, and where its bytes start (page << 32 | offset). */
    private long[] blockOffset = new long[16];
    private long[] blockTime = new long[16];
    private long[] blockAt = new long[16];
    private int blocks;

    private byte[][] pages = new byte[0][];
    private int pageUsed;

    /** The frames of the block being filled, in plain arrays until it is full. */
    private final long[] pOffset = new long[BLOCK];
    private final long[] pTime = new long[BLOCK];
    private final int[] pCaptured = new int[BLOCK];
    private final int[] pOriginal = new int[BLOCK];
    private final int[] pLink = new int[BLOCK];
    private int pending;
    /** What the pending frames share so far (computed as they come, so that encoding a block is one pass). */
    private int pUnit;
    private boolean pSameGap, pSameLink, pWhole;
    private long pGap;
    private byte[] scratch;

    private final Map<Long, String> comments = new HashMap<>();
    private long size;
    private long minTime = Long.MAX_VALUE;
    private long maxTime = Long.MIN_VALUE;

    /** The last block decoded; immutable, so threads may share it without a lock. */
    private volatile Block cache;
    /** Readers share it; the builder holds it for writing while it adds a batch (see the class comment). */
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock(true);

    /**
     * One decoded block. It is decoded in the constructor: the final fields then publish the arrays' contents
     * to every thread that sees the block (JLS 17.5), which is what lets {@link #cache} go without a lock.
     */
    private static final class Block {
        final int number;
        final long[] offset = new long[BLOCK];
        final long[] time = new long[BLOCK];
        final int[] captured = new int[BLOCK];
        final int[] original = new int[BLOCK];
        final int[] link = new int[BLOCK];

        Block(int number, byte[] page, int at, long offset0, long time0) {
            this.number = number;
            Reader in = new Reader(page, at);
            int flags = in.flags();
            long div = UNITS[flags & UNIT_MASK];
            boolean sameGap = (flags & SAME_GAP) != 0;
            boolean sameLink = (flags & SAME_LINK) != 0;
            boolean whole = (flags & WHOLE) != 0;
            long gap = sameGap ? unzigzag(in.next()) : 0;
            int sharedLink = sameLink ? (int) unzigzag(in.next()) : 0;
            long o = offset0;
            long t = time0;
            for (int i = 0; i < BLOCK; i++) {
                if (i > 0) {
                    o += captured[i - 1] + (sameGap ? gap : unzigzag(in.next()));
                    t += unzigzag(in.next()) * div;
                }
                int cap = (int) in.next();
                offset[i] = o;
                time[i] = t;
                captured[i] = cap;
                original[i] = whole ? cap : (int) (cap + unzigzag(in.next()));
                link[i] = sameLink ? sharedLink : (int) unzigzag(in.next());
            }
        }
    }

    /** Appends frame {@code size()+1}. */
    public void add(long dataOffset, long timeNanos, int capturedLength, int originalLength, int linkType,
            String comment) {
        int i = pending;
        if (i == 0) {
            pUnit = 2;
            pSameGap = true;
            pSameLink = true;
            pWhole = true;
        } else {
            // Constant divisors: the compiler turns them into multiplications, a division per frame costs more.
            long d = timeNanos - pTime[i - 1];
            if (pUnit == 2 && d % 1_000_000 != 0) {
                pUnit = 1;
            }
            if (pUnit == 1 && d % 1_000 != 0) {
                pUnit = 0;
            }
            long gap = dataOffset - pOffset[i - 1] - pCaptured[i - 1];
            if (i == 1) {
                pGap = gap;
            } else if (gap != pGap) {
                pSameGap = false;
            }
            if (linkType != pLink[0]) {
                pSameLink = false;
            }
        }
        if (originalLength != capturedLength) {
            pWhole = false;
        }
        pOffset[i] = dataOffset;
        pTime[i] = timeNanos;
        pCaptured[i] = capturedLength;
        pOriginal[i] = originalLength;
        pLink[i] = linkType;
        minTime = Math.min(minTime, timeNanos);
        maxTime = Math.max(maxTime, timeNanos);
        size++;
        if (comment != null) {
            comments.put(size, comment);
        }
        if (++pending == BLOCK) {
            seal();
        }
    }

    /** Encodes the full pending block into the stream. */
    private void seal() {
        byte[] b = scratch;
        if (b == null) {
            b = scratch = new byte[MAX_BLOCK_BYTES];
        }
        int unit = pUnit;
        boolean sameGap = pSameGap;
        boolean sameLink = pSameLink;
        boolean whole = pWhole;
        int w = 0;
        b[w++] = (byte) (unit | (sameGap ? SAME_GAP : 0) | (sameLink ? SAME_LINK : 0) | (whole ? WHOLE : 0));
        if (sameGap) {
            w = put(b, w, zigzag(pGap));
        }
        if (sameLink) {
            w = put(b, w, zigzag(pLink[0]));
        }
        w = put(b, w, pCaptured[0] & 0xFFFF_FFFFL);
        if (!whole) {
            w = put(b, w, zigzag((long) pOriginal[0] - pCaptured[0]));
        }
        if (!sameLink) {
            w = put(b, w, zigzag(pLink[0]));
        }
        for (int i = 1; i < BLOCK; i++) {
            if (!sameGap) {
                w = put(b, w, zigzag(pOffset[i] - pOffset[i - 1] - pCaptured[i - 1]));
            }
            // Exact: the unit divides every delta of the block. Overflow wraps both ways, so it is exact too.
            long d = pTime[i] - pTime[i - 1];
            w = put(b, w, zigzag(unit == 1 ? d / 1_000 : unit == 2 ? d / 1_000_000 : d));
            w = put(b, w, pCaptured[i] & 0xFFFF_FFFFL);
            if (!whole) {
                w = put(b, w, zigzag((long) pOriginal[i] - pCaptured[i]));
            }
            if (!sameLink) {
                w = put(b, w, zigzag(pLink[i]));
            }
        }
        if (blocks == blockAt.length) {
            int n = blocks * 2;
            blockOffset = Arrays.copyOf(blockOffset, n);
            blockTime = Arrays.copyOf(blockTime, n);
            blockAt = Arrays.copyOf(blockAt, n);
        }
        blockOffset[blocks] = pOffset[0];
        blockTime[blocks] = pTime[0];
        blockAt[blocks] = append(b, w);
        blocks++;
        pending = 0;
    }

    /** Copies {@code len} bytes to the stream, never across pages, and says where they went. */
    private long append(byte[] b, int len) {
        int last = pages.length - 1;
        if (last < 0 || pages[last].length - pageUsed < len) {
            int grow = last < 0 ? 4096 : Math.min(MAX_PAGE, pages[last].length * 2);
            pages = Arrays.copyOf(pages, last + 2);
            pages[++last] = new byte[Math.max(grow, len)];
            pageUsed = 0;
        }
        System.arraycopy(b, 0, pages[last], pageUsed, len);
        long at = ((long) last << 32) | pageUsed;
        pageUsed += len;
        return at;
    }

    private static long zigzag(long v) {
        return (v << 1) ^ (v >> 63);
    }

    private static long unzigzag(long v) {
        return (v >>> 1) ^ -(v & 1);
    }

    /** Writes {@code v} as an unsigned LEB128 number (7 bits a byte, low first). */
    private static int put(byte[] b, int w, long v) {
        while ((v & ~0x7FL) != 0) {
            b[w++] = (byte) (v | 0x80);
            v >>>= 7;
        }
        b[w++] = (byte) v;
        return w;
    }

    /** Reads LEB128 numbers from one page. */
    private static final class Reader {
        private final byte[] b;
        private int r;

        Reader(byte[] b, int r) {
            this.b = b;
            this.r = r;
        }

        long next() {
            long v = 0;
            int shift = 0;
            byte x;
            do {
                x = b[r++];
                v |= (long) (x & 0x7F) << shift;
                shift += 7;
            } while (x < 0);
            return v;
        }

        int flags() {
            return b[r++];
        }
    }

    /** The block holding frame {@code n}, or null when it is the pending one (read from the plain arrays). */
    private Block block(long n) {
        if (n < 1 || n > size) {
            throw new IndexOutOfBoundsException("frame " + n + " of " + size);
        }
        int k = (int) ((n - 1) >>> BLOCK_BITS);
        if (k == blocks) {
            return null;
        }
        Block c = cache;
        if (c == null || c.number != k) {
            long at = blockAt[k];
            c = new Block(k, pages[(int) (at >>> 32)], (int) at, blockOffset[k], blockTime[k]);
            cache = c;
        }
        return c;
    }

    private static int slot(long n) {
        return (int) ((n - 1) & (BLOCK - 1));
    }

    /** For the builder: held while it adds a batch of frames. */
    Lock writing() {
        return lock.writeLock();
    }

    /** For a reader that reads several things of one frame at once (they then belong together). */
    Lock reading() {
        return lock.readLock();
    }

    /** What {@link #field} reads of a frame. */
    private static final int OFFSET = 0, TIME = 1, CAPTURED = 2, ORIGINAL = 3, LINK = 4;

    /** One thing of frame {@code n}, under the read lock. */
    private long field(long n, int which) {
        Lock r = lock.readLock();
        r.lock();
        try {
            Block b = block(n);
            int i = slot(n);
            return switch (which) {
                case OFFSET -> b == null ? pOffset[i] : b.offset[i];
                case TIME -> b == null ? pTime[i] : b.time[i];
                case CAPTURED -> b == null ? pCaptured[i] : b.captured[i];
                case ORIGINAL -> b == null ? pOriginal[i] : b.original[i];
                default -> b == null ? pLink[i] : b.link[i];
            };
        } finally {
            r.unlock();
        }
    }

    /** {@code read} under the read lock. */
    private <T> T locked(java.util.function.Supplier<T> read) {
        Lock r = lock.readLock();
        r.lock();
        try {
            return read.get();
        } finally {
            r.unlock();
        }
    }

    /** The number of frames. */
    public long size() {
        return locked(() -> size);
    }

    /** File offset of frame {@code n}'s captured bytes. */
    public long offset(long n) {
        return field(n, OFFSET);
    }

    public long timeNanos(long n) {
        return field(n, TIME);
    }

    public int capturedLength(long n) {
        return (int) field(n, CAPTURED);
    }

    public int originalLength(long n) {
        return (int) field(n, ORIGINAL);
    }

    public int linkType(long n) {
        return (int) field(n, LINK);
    }

    /** The comment stored with frame {@code n}, or null. */
    public String comment(long n) {
        return locked(() -> comments.get(n));
    }

    /** Frames that carry a comment, for a "show comments" filter. */
    public Map<Long, String> comments() {
        return locked(() -> Map.copyOf(comments));
    }

    /** Earliest timestamp, 0 for an empty index (files are not always in time order). */
    public long firstTime() {
        return locked(() -> size == 0 ? 0 : minTime);
    }

    public long lastTime() {
        return locked(() -> size == 0 ? 0 : maxTime);
    }

    /** Heap the index takes, in bytes: the encoded frames, the block tables and the block being filled. */
    public long heapBytes() {
        return locked(() -> {
            long b = 3L * 8 * blockAt.length + 2L * 8 * BLOCK + 3L * 4 * BLOCK + (scratch == null ? 0 : scratch.length);
            for (byte[] p : pages) {
                b += p.length;
            }
            return b;
        });
    }
}
