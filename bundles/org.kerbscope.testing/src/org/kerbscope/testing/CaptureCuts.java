package org.kerbscope.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.LongPredicate;

import org.kerbscope.capture.CaptureFile;
import org.kerbscope.capture.CaptureReader;
import org.kerbscope.capture.PcapngWriter;
import org.kerbscope.core.model.Frame;

/**
 * A part of a real capture, as support engineers are sent them: begun late, stopped early, or missing a frame. The
 * frames keep their bytes, lengths and times; the part is written as pcapng with the capture's link type.
 */
public final class CaptureCuts {
    private CaptureCuts() {
    }

    /**
     * Writes to {@code out} the frames of {@code capture} whose numbers (from 1, in the capture's order) {@code keep}
     * accepts, and returns {@code out}.
     */
    public static Path keep(Path capture, Path out, LongPredicate keep) throws IOException {
        try (CaptureReader r = CaptureFile.openReader(capture); OutputStream file = Files.newOutputStream(out)) {
            PcapngWriter w = null;
            for (Frame f : r) {
                if (w == null) {
                    w = new PcapngWriter(file, f.linkType(), 262144);
                }
                if (keep.test(f.number())) {
                    w.write(0, f.timeNanos(), f.data().duplicate(), f.originalLength(), null);
                }
            }
            if (w != null) {
                w.close();
            }
        }
        return out;
    }

    /** The number of the first frame of {@code capture} whose bytes hold {@code text} (read as ISO-8859-1), or -1. */
    public static long firstHolding(Path capture, String text) throws IOException {
        try (CaptureReader r = CaptureFile.openReader(capture)) {
            for (Frame f : r) {
                byte[] b = new byte[f.data().remaining()];
                f.data().duplicate().get(b);
                if (new String(b, java.nio.charset.StandardCharsets.ISO_8859_1).contains(text)) {
                    return f.number();
                }
            }
        }
        return -1;
    }

    /** The number of frames in {@code capture}. */
    public static long frames(Path capture) throws IOException {
        long n = 0;
        try (CaptureReader r = CaptureFile.openReader(capture)) {
            for (Frame f : r) {
                n++;
            }
        }
        return n;
    }
}
