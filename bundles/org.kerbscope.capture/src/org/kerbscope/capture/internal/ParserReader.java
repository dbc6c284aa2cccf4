package org.kerbscope.capture.internal;

import java.util.List;

import org.kerbscope.capture.CaptureReader;
import org.kerbscope.capture.FrameCursor;
import org.kerbscope.core.model.Diagnostic;
import org.kerbscope.core.model.Frame;

/** The streaming {@link CaptureReader}: one parser, one {@link Frame} per record, data as a mapped view. */
public final class ParserReader implements CaptureReader {
    private final RecordParser parser;
    private final AutoCloseable owned;

    /** @param owned closed with this reader (the file when the reader owns it), or null */
    public ParserReader(RecordParser parser, AutoCloseable owned) {
        this.parser = parser;
        this.owned = owned;
    }

    @Override
    public String format() {
        return parser.format();
    }

    @Override
    public Frame next() {
        RecordParser p = parser;
        if (!p.advance()) {
            return null;
        }
        return new Frame(p.frames, p.timeNanos, p.linkType, p.originalLength,
                p.file.slice(p.dataOffset, p.capturedLength));
    }

    @Override
    public boolean advance(FrameCursor cursor) {
        RecordParser p = parser;
        if (!p.advance()) {
            return false;
        }
        MappedFile file = p.file;
        if (file.inOneWindow(p.capturedLength)) {
            cursor.set(p.frames, p.timeNanos, p.linkType, p.originalLength, file.windowBigEndian(p.dataOffset),
                    file.offsetInWindow(p.dataOffset), p.capturedLength);
        } else {
            cursor.set(new Frame(p.frames, p.timeNanos, p.linkType, p.originalLength,
                    file.slice(p.dataOffset, p.capturedLength)));
        }
        return true;
    }

    @Override
    public String comment() {
        return parser.comment;
    }

    @Override
    public List<Diagnostic> diagnostics() {
        return parser.diagnostics();
    }

    @Override
    public void close() {
        if (owned != null) {
            try {
                owned.close();
            } catch (Exception e) {
                // Closing a read-only channel has nothing to lose; the mapping goes with the garbage collector.
            }
        }
    }

    /** For the index pass and tests. */
    public RecordParser parser() {
        return parser;
    }

}
