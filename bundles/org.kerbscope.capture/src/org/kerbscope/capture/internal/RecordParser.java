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
    /** How far ahead of the parser the bytes are touched: 8 KiB, among the best of 2 to 16 KiB measured. */
    public static final int AHEAD = 8192;
    /** How much is touched at once: a page, so that the loads go out back to back. */
    public static final int BATCH = 4096;

    protected final MappedFile file;
    protected final long size;
    private final List<Diagnostic> diagnostics = new ArrayList<>();
    private int droppedDiagnostics;
    private boolean done;
    /** The next cache line {@link #advance()} touches ahead of the records (see {@link MappedFile#touch}). */
    private long ahead;
    /**
     * What the touched bytes add up to: stored so that the compiler keeps the reads (an unused load may be
     * dropped). Not private, so that no tool calls it unused.
     */
    int touched;

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
                readAhead(dataOffset + capturedLength);
                return true;
            }
        } catch (RuntimeException e) {
            // A parser bug must not take the caller down; report it like damage.
            damage(-1, "could not be read (" + e + ")");
        }
        done = true;
        return false;
    }

    /**
     * Keeps the bytes from the end of the frame just read up to {@link #AHEAD} bytes beyond touched, a page
     * ({@link #BATCH}) at a time. Measured on a 1 GiB pcap of 3.5 million frames (CPU time), walking its record
     * headers costs 38 ns a frame instead of 100: the headers are no longer cache misses the processor waits
     * for. The frames' consumers find their bytes in the cache as well.
     */
    private void readAhead(long end) {
        long lead = ahead - end;
        if (lead < 0 || lead > 4 * AHEAD) {
            // Behind (a frame larger than the lead) or far ahead (a frame table out of file order): what lies
            // between is not read next, so touching goes on from here.
            ahead = end & ~63L;
            lead = ahead - end;
        }
        if (lead < AHEAD) {
            touched += file.touch(ahead, ahead + BATCH);
            ahead += BATCH;
        }
    }

    /** Where touching ahead has got to: the bytes before it are (or were) in the cache. For tests. */
    public long readAheadMark() {
        return ahead;
    }

    /**
     * The frame of a record of {@code incl} captured bytes at {@code data}, whose header starts at {@code header}:
     * checked against the largest record Wireshark accepts ({@link PcapParser#MAX_RECORD}) and the bytes the file
     * has left, then left in the public fields; false after reporting the damage.
     */
    protected final boolean frame(long header, long data, long incl, long orig, long nanos, int link) {
        if (incl > PcapParser.MAX_RECORD) {
            damage(header, "has a record header claiming " + incl + " captured bytes, more than the maximum of "
                    + PcapParser.MAX_RECORD + ": the header is garbage");
            return false;
        }
        if (incl > size - data) {
            damage(header, "has a record of " + incl + " bytes but only " + (size - data)
                    + " remain: the file was cut short");
            return false;
        }
        dataOffset = data;
        capturedLength = (int) incl;
        originalLength = (int) Math.min(Integer.MAX_VALUE, Math.max(orig, incl));
        timeNanos = nanos;
        linkType = link;
        return true;
    }

    /**
     * The frame just described could not be had (the file changed under the reader): the walk ends here, with a
     * diagnostic that says why.
     */
    public final void fail(RuntimeException e) {
        damage(-1, "could not be read (" + e.getMessage() + ")");
        done = true;
    }

    /** Format-specific step; returns false at the end (after reporting damage, if any). */
    protected abstract boolean next();

    /**
     * Records damage at {@code offset} (-1 if unknown); reading stops after the caller returns false. The
     * message names the byte offset and the last good frame, so that a user can look at the place with a hex
     * viewer and knows which frames the analysis saw.
     */
    protected final void damage(long offset, String what) {
        String where = offset < 0 ? ""
                : "at byte offset " + offset + (frames == 0 ? ", before the first frame, " : ", after frame " + frames + ", ");
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

    /** A diagnostic about the file from before the parser (its decompression), listed first. */
    public final void note(Diagnostic d) {
        diagnostics.add(0, d);
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
