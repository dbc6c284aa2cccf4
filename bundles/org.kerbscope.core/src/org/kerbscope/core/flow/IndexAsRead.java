package org.kerbscope.core.flow;

import java.util.List;
import java.util.function.Function;
import java.util.function.UnaryOperator;

import org.kerbscope.core.model.Analysis;
import org.kerbscope.core.model.Event;

/**
 * A flow index built message by message, in one of two ways: as the reading adds each message ({@link
 * Analysis#indexAsAdded}; the index is made on the first one, when the list it holds positions of exists), or in a
 * pass over a list that is already complete ({@link #all}). Both file the same messages at the same positions.
 *
 * @param <T> the index
 */
final class IndexAsRead<T> implements Analysis.Indexer {
    /** Files one message, at its position in the list. */
    interface Filing<T> {
        void add(T index, Event e, int position);
    }

    private final Function<List<Event>, T> make;
    private final Filing<T> filing;
    private final UnaryOperator<T> finish;
    private T index;

    IndexAsRead(Function<List<Event>, T> make, Filing<T> filing, UnaryOperator<T> finish) {
        this.make = make;
        this.filing = filing;
        this.finish = finish;
    }

    @Override
    public void add(List<Event> list, Event e, int position) {
        if (index == null) {
            index = make.apply(list);
        }
        filing.add(index, e, position);
    }

    @Override
    public Object finish() {
        return finish.apply(index);
    }

    /** The index of a complete list, in one pass over it. */
    static <T> T all(List<Event> list, Function<List<Event>, T> make, Filing<T> filing, UnaryOperator<T> finish) {
        T index = make.apply(list);
        int i = 0;
        for (Event e : list) {
            filing.add(index, e, i++);
        }
        return finish.apply(index);
    }
}
