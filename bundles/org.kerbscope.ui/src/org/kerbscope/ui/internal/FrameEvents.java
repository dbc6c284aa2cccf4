package org.kerbscope.ui.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;

import org.kerbscope.core.model.Analysis;
import org.kerbscope.core.model.Event;
import org.kerbscope.core.registry.Registries;
import org.kerbscope.engine.filter.DisplayFilter;

/**
 * An analysis' events by frame, for the packet list: sorted arrays instead of maps of boxed frame numbers, built
 * by the loading job rather than on the UI thread (a busy capture has hundreds of thousands of events: building
 * maps of them froze the window for a second), with the display filter's field names. It keeps where each event
 * is (its array and position), not the event: a domain controller's capture has millions of DNS messages, which
 * the analysis may keep in a temporary file; a frame's events are fetched when its row is shown.
 */
public final class FrameEvents {
    public static final FrameEvents NONE = new FrameEvents(List.of(), new long[0], new int[] {0}, new int[0],
            new int[0], List.of());

    private final List<List<Event>> arrays;
    private final long[] frames;
    private final int[] start;
    /** For each event, in frame order: its array and its position there. */
    private final int[] array;
    private final int[] position;
    private final List<String> fieldNames;

    private FrameEvents(List<List<Event>> arrays, long[] frames, int[] start, int[] array, int[] position,
            List<String> fieldNames) {
        this.arrays = arrays;
        this.frames = frames;
        this.start = start;
        this.array = array;
        this.position = position;
        this.fieldNames = fieldNames;
    }

    /** Files the events of {@code a} by frame; events of one frame keep the order of the analysis' arrays. */
    public static FrameEvents of(Analysis a) {
        List<List<Event>> arrays = new ArrayList<>(a.events().values());
        TreeSet<String> names = new TreeSet<>();
        for (var d : Registries.platform().dissectors()) {
            d.fields().forEach(e -> names.add(e.getKey()));
        }
        // one pass over the events (they may be read back from a file): their frames, and the filter's field names
        TreeSet<String> eventNames = new TreeSet<>();
        int total = 0;
        long[][] frameOf = new long[arrays.size()][];
        int[][] order = new int[arrays.size()][];
        for (int k = 0; k < arrays.size(); k++) {
            List<Event> l = arrays.get(k);
            long[] f = new long[l.size()];
            int i = 0;
            boolean sorted = true;
            for (Event e : l) {
                DisplayFilter.addFieldNames(e, eventNames);
                f[i] = e.frame();
                sorted &= i == 0 || f[i - 1] <= f[i];
                i++;
            }
            if (!sorted) {
                // the analysis gives each array in frame order; any other list is put in it (stable)
                Integer[] o = new Integer[f.length];
                for (int j = 0; j < o.length; j++) {
                    o[j] = j;
                }
                Arrays.sort(o, Comparator.comparingLong(j -> f[j]));
                order[k] = Arrays.stream(o).mapToInt(Integer::intValue).toArray();
                long[] s = new long[f.length];
                for (int j = 0; j < s.length; j++) {
                    s[j] = f[order[k][j]];
                }
                frameOf[k] = s;
            } else {
                frameOf[k] = f;
            }
            total += f.length;
        }
        // merged by frame, the first array first among the events of one frame (a stable sort of them all)
        int[] array = new int[total];
        int[] position = new int[total];
        long[] frames = new long[total];
        int[] start = new int[total + 1];
        int[] next = new int[arrays.size()];
        int n = 0;
        for (int j = 0; j < total; j++) {
            int best = -1;
            for (int k = 0; k < arrays.size(); k++) {
                if (next[k] < frameOf[k].length && (best < 0 || frameOf[k][next[k]] < frameOf[best][next[best]])) {
                    best = k;
                }
            }
            long f = frameOf[best][next[best]];
            array[j] = best;
            position[j] = order[best] != null ? order[best][next[best]] : next[best];
            next[best]++;
            if (n == 0 || frames[n - 1] != f) {
                frames[n] = f;
                start[n] = j;
                n++;
            }
        }
        start[n] = total;
        names.addAll(eventNames);
        return new FrameEvents(arrays, Arrays.copyOf(frames, n), Arrays.copyOf(start, n + 1), array, position,
                List.copyOf(names));
    }

    /** How many frames have events. */
    public int size() {
        return frames.length;
    }

    /** The {@code i}-th frame with events (ascending). */
    public long frame(int i) {
        return frames[i];
    }

    /** The events of the {@code i}-th frame with events. */
    public List<Event> eventsAt(int i) {
        List<Event> out = new ArrayList<>(start[i + 1] - start[i]);
        for (int j = start[i]; j < start[i + 1]; j++) {
            out.add(event(j));
        }
        return Collections.unmodifiableList(out);
    }

    private Event event(int j) {
        return arrays.get(array[j]).get(position[j]);
    }

    /** The first event of frame {@code n}, or null. */
    public Event first(long n) {
        int i = Arrays.binarySearch(frames, n);
        return i >= 0 ? event(start[i]) : null;
    }

    /** The events of frame {@code n} (empty when none). */
    public List<Event> of(long n) {
        int i = Arrays.binarySearch(frames, n);
        return i >= 0 ? eventsAt(i) : List.of();
    }

    /** Field names for the display filter's completion: what the dissectors declare and what the events hold. */
    public List<String> fieldNames() {
        return fieldNames;
    }
}
