package org.kerbscope.ui.editors;

import java.util.Arrays;

/**
 * The rows of the packet list under a display filter, without an entry per frame of the capture: the frames that
 * match, or, when the filter matches frames without events (a negative filter such as {@code !kerberos}), every
 * frame but those that do not match. Only frames with events are ever asked, so a filter over a capture of ten
 * million frames keeps as many numbers as there are frames with events.
 */
public final class FilterRows {
    /** Ascending: the rows' frames, or (when {@link #except}) the frames left out. */
    private final long[] frames;
    private final boolean except;
    private final long total;

    private FilterRows(long[] frames, boolean except, long total) {
        this.frames = frames;
        this.except = except;
        this.total = total;
    }

    /** The frames {@code shown}, ascending. */
    public static FilterRows only(long[] shown) {
        return new FilterRows(shown, false, shown.length);
    }

    /** Frames 1 to {@code total} but those {@code left} out (ascending, each within 1 to total). */
    public static FilterRows allBut(long total, long[] left) {
        return new FilterRows(left, true, total);
    }

    /** How many rows (at most {@link Integer#MAX_VALUE}: the list's limit). */
    public int count() {
        return (int) Math.min(Integer.MAX_VALUE, except ? total - frames.length : frames.length);
    }

    /** The frame of row {@code row} (0-based), or 0 beyond the rows. */
    public long frameOf(int row) {
        if (row < 0 || row >= count()) {
            return 0;
        }
        if (!except) {
            return frames[row];
        }
        // the answer is row + 1 + k, where k frames left out lie before it: the least k with frames[k] - k > row + 1
        // (frames[k] - k never decreases, the frames being ascending and distinct)
        int lo = 0, hi = frames.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (frames[mid] - mid > row + 1L) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return row + 1L + lo;
    }

    /** The row of frame {@code frame}, or -1 when the filter hides it. */
    public int rowOf(long frame) {
        int i = Arrays.binarySearch(frames, frame);
        if (!except) {
            return i >= 0 ? i : -1;
        }
        if (i >= 0 || frame < 1 || frame > total) {
            return -1;
        }
        long row = frame - 1 - (-i - 1);
        return row > Integer.MAX_VALUE ? -1 : (int) row;
    }
}
