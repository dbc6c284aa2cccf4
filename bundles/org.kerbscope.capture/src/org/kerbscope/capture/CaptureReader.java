package org.kerbscope.capture;

import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.Consumer;

import org.kerbscope.core.model.Diagnostic;
import org.kerbscope.core.model.Frame;

/**
 * One pass over the frames of a capture file, in file order, numbered from 1. Each {@link Frame}'s data is a
 * read-only view into the file mapping (no copy). Damage ends the pass early with a {@link Diagnostic};
 * no method throws because of the file's contents.
 */
public interface CaptureReader extends AutoCloseable, Iterable<Frame> {

    /** {@code pcap}, {@code pcapng} or {@code netmon}. */
    String format();

    /** The next frame, or null at the end (of the file, or at damage). */
    Frame next();

    /**
     * Moves {@code cursor} to the next frame; false at the end (the cursor then stays on the last frame). The
     * frame's object is made only if the cursor is asked for it: the pass over a large capture allocates nothing
     * per frame.
     */
    default boolean advance(FrameCursor cursor) {
        Frame f = next();
        if (f == null) {
            return false;
        }
        cursor.set(f);
        return true;
    }

    /** Hands the next frame to {@code consumer}; false at the end. */
    default boolean next(Consumer<? super Frame> consumer) {
        Frame f = next();
        if (f == null) {
            return false;
        }
        consumer.accept(f);
        return true;
    }

    /** The comment stored with the frame last returned (pcapng {@code opt_comment}), or null. */
    String comment();

    /** What was wrong with the file, so far. */
    List<Diagnostic> diagnostics();

    /** The remaining frames; the iterator shares this reader's position. */
    @Override
    default Iterator<Frame> iterator() {
        return new Iterator<>() {
            private Frame ahead;

            @Override
            public boolean hasNext() {
                if (ahead == null) {
                    ahead = CaptureReader.this.next();
                }
                return ahead != null;
            }

            @Override
            public Frame next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                Frame f = ahead;
                ahead = null;
                return f;
            }
        };
    }

    /** Releases the file if this reader owns it (see {@link CaptureFile#openReader}); never throws. */
    @Override
    void close();
}
