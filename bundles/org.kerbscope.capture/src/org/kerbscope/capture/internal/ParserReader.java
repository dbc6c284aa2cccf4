package org.kerbscope.capture.internal;

import java.nio.ByteBuffer;
import java.util.List;

import org.kerbscope.capture.CaptureReader;
import org.kerbscope.capture.FrameCursor;
import org.kerbscope.core.model.Diagnostic;
import org.kerbscope.core.model.Frame;

/** The streaming {@link CaptureReader}: one parser, one {@link Frame} per record, data as a mapped view. */
public final class ParserReader implements CaptureReader {
    private final RecordParser parser;
    private final AutoCloseable owned;
    /** For a streamed file: where a frame's object copies its bytes from (see {@link FrameCursor.Source}). */
    private final FrameCursor.Source source;

    /** @param owned closed with this reader (the file when the reader owns it), or null */
    public ParserReader(RecordParser parser, AutoCloseable owned) {
        this.parser = parser;
        this.owned = owned;
        MappedFile f = parser.file;
        this.source = f.isStreamed() ? this::copy : null;
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
        try {
            return new Frame(p.frames, p.timeNanos, p.linkType, p.originalLength,
                    p.file.slice(p.dataOffset, p.capturedLength));
        } catch (RuntimeException e) {
            p.fail(e); // a streamed file that shrank under the reader
            return null;
        }
    }

    @Override
    public boolean advance(FrameCursor cursor) {
        RecordParser p = parser;
        if (!p.advance()) {
            return false;
        }
        try {
            set(p, cursor);
        } catch (RuntimeException e) {
            p.fail(e); // a streamed file that shrank under the reader: the bytes the frame needs are gone
            return false;
        }
        return true;
    }

    private void set(RecordParser p, FrameCursor cursor) {
        MappedFile file = p.file;
        if (file.inOneWindow(p.capturedLength)) {
            ByteBuffer w = file.windowBigEndian(p.dataOffset);
            if (source != null) {
                cursor.set(p.frames, p.timeNanos, p.linkType, p.originalLength, w, file.offsetInWindow(p.dataOffset),
                        p.capturedLength, source, p.dataOffset);
            } else {
                cursor.set(p.frames, p.timeNanos, p.linkType, p.originalLength, w, file.offsetInWindow(p.dataOffset),
                        p.capturedLength);
            }
        } else {
            cursor.set(new Frame(p.frames, p.timeNanos, p.linkType, p.originalLength,
                    file.slice(p.dataOffset, p.capturedLength)));
        }
    }

    /**
     * A frame's bytes again, for a frame object asked for after the reader moved on; none when the file has shrunk
     * under the reader since (the reader has said so; the frame's number and times still stand).
     */
    private ByteBuffer copy(long fileOffset, int length) {
        try {
            return parser.file.slice(fileOffset, length);
        } catch (RuntimeException e) {
            return ByteBuffer.allocate(0).asReadOnlyBuffer();
        }
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
