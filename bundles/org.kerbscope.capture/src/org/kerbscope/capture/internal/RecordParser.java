package org.kerbscope.capture.internal;

import java.util.ArrayList;
import java.util.List;

import org.kerbscope.core.model.Diagnostic;

/**
 * Walks the records of one capture file in file order. {@link #advance()} leaves the description of the next
 * frame in public fields (no object per frame), which the streaming reader turns into a
 * {@link org.kerbscope.core.model.Frame} and the index pass copies into its arrays.
 * <p>
 * Damage ends the walk: {@link #advance()} returns false and a {@link Diagnostic} says at which byte offset
 * and what was wrong. It never throws and never loops: every step moves forward by at least one byte.
 */
public abstract class RecordParser {
    /** Diagnostics beyond this many are counted, not kept (a garbage file must not fill the heap). */
    private static final int MAX_DIAGNOSTICS = 100;

    protected final MappedFile file;
    protected final long size;
    private final List<Diagnostic> diagnostics = new ArrayList<>();
    private int droppedDiagnostics;
    private boolean done;

    /** Absolute file offset of the captured bytes. */
    public long dataOffset;
    public int capturedLength;
    public int originalLength;
    public long timeNanos;
    public int linkType;
    /** A comment stored with the frame, or null. */
    public String comment;
    /** Frames handed out so far. */
    public long frames;

    protected RecordParser(MappedFile file) {
        this.file = file;
        this.size = file.size();
    }

    /** The format name shown to users: {@code pcap}, {@code pcapng}, {@code netmon}. */
    public abstract String format();

    /** Reads the next frame's description; false at the end of the file or at damage. */
    public final boolean advance() {
        if (done) {
            return false;
        }
        try {
            comment = null;
            if (next()) {
                frames++;
                return true;
            }
        } catch (RuntimeException e) {
            // A parser bug must not take the caller down; report it like damage.
            damage(-1, "could not be read (" + e + ")");
        }
        done = true;
        return false;
    }

    /** Format-specific step; returns false at the end (after reporting damage, if any). */
    protected abstract boolean next();

    /** Records damage at {@code offset} (-1 if unknown); reading stops after the caller returns false. */
    protected final void damage(long offset, String what) {
        String where = offset >= 0 ? "at byte offset " + offset + " " : "";
        warn(format() + " file " + where + what + "; " + frames + " frame" + (frames == 1 ? "" : "s")
                + " read before it");
    }

    /** A diagnostic about the whole file that does not stop the reading. */
    protected final void warn(String message) {
        if (diagnostics.size() < MAX_DIAGNOSTICS) {
            diagnostics.add(new Diagnostic(0, format(), message));
        } else {
            droppedDiagnostics++;
        }
    }

    public List<Diagnostic> diagnostics() {
        if (droppedDiagnostics == 0) {
            return List.copyOf(diagnostics);
        }
        List<Diagnostic> all = new ArrayList<>(diagnostics);
        all.add(new Diagnostic(0, format(), droppedDiagnostics + " more problems were not listed"));
        return List.copyOf(all);
    }

    protected final long remaining(long offset) {
        return size - offset;
    }
}
