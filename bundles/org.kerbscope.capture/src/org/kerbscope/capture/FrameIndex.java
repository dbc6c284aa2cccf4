package org.kerbscope.capture;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Where each frame of a capture lies, for random access (the workbench's packet list): data offset,
 * timestamp, captured and original length, link type. 28 bytes per frame in primitive arrays, grown in
 * pages of 64 Ki frames so that a big capture never needs one huge array nor a doubling copy. Comments are
 * kept aside, since few frames have one. Frame numbers are 1-based.
 */
public final class FrameIndex {
    static final int PAGE_BITS = 16;
    static final int PAGE = 1 << PAGE_BITS;
    static final int MASK = PAGE - 1;
    /** Heap bytes per frame in the arrays. */
    public static final int BYTES_PER_FRAME = 8 + 8 + 4 + 4 + 4;

    private long[][] offsets = new long[0][];
    private long[][] times = new long[0][];
    private int[][] captured = new int[0][];
    private int[][] original = new int[0][];
    private int[][] links = new int[0][];
    private final Map<Long, String> comments = new HashMap<>();
    private long size;

    /** Appends frame {@code size()+1}. */
    public void add(long dataOffset, long timeNanos, int capturedLength, int originalLength, int linkType,
            String comment) {
        int p = (int) (size >>> PAGE_BITS);
        int i = (int) (size & MASK);
        if (p == offsets.length) {
            offsets = Arrays.copyOf(offsets, p + 1);
            times = Arrays.copyOf(times, p + 1);
            captured = Arrays.copyOf(captured, p + 1);
            original = Arrays.copyOf(original, p + 1);
            links = Arrays.copyOf(links, p + 1);
            offsets[p] = new long[PAGE];
            times[p] = new long[PAGE];
            captured[p] = new int[PAGE];
            original[p] = new int[PAGE];
            links[p] = new int[PAGE];
        }
        offsets[p][i] = dataOffset;
        times[p][i] = timeNanos;
        captured[p][i] = capturedLength;
        original[p][i] = originalLength;
        links[p][i] = linkType;
        size++;
        if (comment != null) {
            comments.put(size, comment);
        }
    }

    /** The number of frames. */
    public long size() {
        return size;
    }

    private int page(long n) {
        if (n < 1 || n > size) {
            throw new IndexOutOfBoundsException("frame " + n + " of " + size);
        }
        return (int) ((n - 1) >>> PAGE_BITS);
    }

    private static int slot(long n) {
        return (int) ((n - 1) & MASK);
    }

    /** File offset of frame {@code n}'s captured bytes. */
    public long offset(long n) {
        return offsets[page(n)][slot(n)];
    }

    public long timeNanos(long n) {
        return times[page(n)][slot(n)];
    }

    public int capturedLength(long n) {
        return captured[page(n)][slot(n)];
    }

    public int originalLength(long n) {
        return original[page(n)][slot(n)];
    }

    public int linkType(long n) {
        return links[page(n)][slot(n)];
    }

    /** The comment stored with frame {@code n}, or null. */
    public String comment(long n) {
        return comments.get(n);
    }

    /** Frames that carry a comment, for a "show comments" filter. */
    public Map<Long, String> comments() {
        return Map.copyOf(comments);
    }

    /** Earliest timestamp, 0 for an empty index (files are not always in time order). */
    public long firstTime() {
        long min = Long.MAX_VALUE;
        for (long n = 1; n <= size; n++) {
            min = Math.min(min, timeNanos(n));
        }
        return size == 0 ? 0 : min;
    }

    public long lastTime() {
        long max = Long.MIN_VALUE;
        for (long n = 1; n <= size; n++) {
            max = Math.max(max, timeNanos(n));
        }
        return size == 0 ? 0 : max;
    }

    /** Heap the arrays take, in bytes (whole pages). */
    public long heapBytes() {
        return (long) offsets.length * PAGE * BYTES_PER_FRAME;
    }
}
