package org.kerbscope.ui.internal;

import java.util.ArrayList;
import java.util.Arrays;
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
 * maps of them froze the window for a second), with the display filter's field names.
 */
public final class FrameEvents {
    public static final FrameEvents NONE = new FrameEvents(new long[0], new int[] {0}, new Event[0], List.of());

    private final long[] frames;
    private final int[] start;
    private final Event[] events;
    private final List<String> fieldNames;

    private FrameEvents(long[] frames, int[] start, Event[] events, List<String> fieldNames) {
        this.frames = frames;
        this.start = start;
        this.events = events;
        this.fieldNames = fieldNames;
    }

    /** Files the events of {@code a} by frame; events of one frame keep the order of the analysis' arrays. */
    public static FrameEvents of(Analysis a) {
        List<Event> all = new ArrayList<>();
        for (List<Event> l : a.events().values()) {
            all.addAll(l);
        }
        Event[] ev = all.toArray(Event[]::new);
        Arrays.sort(ev, Comparator.comparingLong(Event::frame)); // stable: the first protocol stays first
        long[] frames = new long[ev.length];
        int[] start = new int[ev.length + 1];
        int k = 0;
        for (int i = 0; i < ev.length; i++) {
            if (k == 0 || frames[k - 1] != ev[i].frame()) {
                frames[k] = ev[i].frame();
                start[k] = i;
                k++;
            }
        }
        start[k] = ev.length;
        TreeSet<String> names = new TreeSet<>();
        for (var d : Registries.platform().dissectors()) {
            d.fields().forEach(e -> names.add(e.getKey()));
        }
        names.addAll(DisplayFilter.fieldNames(all));
        return new FrameEvents(Arrays.copyOf(frames, k), Arrays.copyOf(start, k + 1), ev, List.copyOf(names));
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
        return Arrays.asList(events).subList(start[i], start[i + 1]);
    }

    /** The first event of frame {@code n}, or null. */
    public Event first(long n) {
        int i = Arrays.binarySearch(frames, n);
        return i >= 0 ? events[start[i]] : null;
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
