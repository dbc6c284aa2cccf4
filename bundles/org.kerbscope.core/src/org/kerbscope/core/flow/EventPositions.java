package org.kerbscope.core.flow;

import java.util.AbstractList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.RandomAccess;

import org.kerbscope.core.model.Event;

/**
 * Some events of an analysis' array, by their positions in it (4 bytes each), read from the array when asked: an
 * index of millions of messages must not hold them a second time, and the array may keep them in a file ({@link
 * org.kerbscope.core.model.EventList}). Filled by one thread, then read-only.
 */
final class EventPositions extends AbstractList<Event> implements RandomAccess {
    private final List<Event> array;
    private int[] at = new int[2];
    private int n;

    EventPositions(List<Event> array) {
        this.array = array;
    }

    void add(int position) {
        if (n == at.length) {
            at = Arrays.copyOf(at, n * 2);
        }
        at[n++] = position;
    }

    @Override
    public Event get(int index) {
        Objects.checkIndex(index, n);
        return array.get(at[index]);
    }

    @Override
    public int size() {
        return n;
    }

    /** The events of these lists (positions in one array, each ascending) in the array's order. */
    static EventPositions merged(List<Event> array, List<EventPositions> lists) {
        EventPositions out = new EventPositions(array);
        for (EventPositions l : lists) {
            for (int i = 0; i < l.n; i++) {
                out.add(l.at[i]);
            }
        }
        Arrays.sort(out.at, 0, out.n);
        return out;
    }
}
