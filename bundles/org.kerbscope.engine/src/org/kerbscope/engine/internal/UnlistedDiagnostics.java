package org.kerbscope.engine.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.kerbscope.core.model.Diagnostic;

/**
 * The dissectors' diagnostics beyond the first {@link #LISTED} of an analysis: a hostile capture can have a malformed
 * PDU in every frame, and one diagnostic object per frame would make memory grow with the file. Those are counted by
 * protocol, with the first of each kept as an example, and summed up at the end in one diagnostic per protocol.
 */
public final class UnlistedDiagnostics {
    /** Diagnostics of the dissectors an analysis lists, in frame order (the network layers cap theirs apart). */
    public static final int LISTED = 1000;

    private final Map<String, Long> counts = new TreeMap<>();
    private final Map<String, Diagnostic> firsts = new TreeMap<>();

    /** One more diagnostic not listed. */
    public void count(Diagnostic d) {
        counts.merge(d.protocol(), 1L, Long::sum);
        firsts.merge(d.protocol(), d, UnlistedDiagnostics::earlier);
    }

    /** Adds another reading thread's. */
    public void addAll(UnlistedDiagnostics other) {
        other.counts.forEach((p, n) -> counts.merge(p, n, Long::sum));
        other.firsts.forEach((p, d) -> firsts.merge(p, d, UnlistedDiagnostics::earlier));
    }

    private static Diagnostic earlier(Diagnostic a, Diagnostic b) {
        return b.frame() < a.frame() ? b : a;
    }

    /**
     * Keeps the first {@link #LISTED} of {@code listed} (in frame order) and counts the rest: the reading threads each
     * list their first ones, and together they list the capture's first ones, as one thread would.
     */
    public List<Diagnostic> trim(List<Diagnostic> listed) {
        List<Diagnostic> sorted = new ArrayList<>(listed);
        sorted.sort(java.util.Comparator.comparingLong(Diagnostic::frame));
        if (sorted.size() <= LISTED) {
            return sorted;
        }
        for (Diagnostic d : sorted.subList(LISTED, sorted.size())) {
            count(d);
        }
        return new ArrayList<>(sorted.subList(0, LISTED));
    }

    /** One diagnostic per protocol with unlisted ones: how many, and the first. */
    public List<Diagnostic> summaries() {
        List<Diagnostic> out = new ArrayList<>();
        counts.forEach((p, n) -> {
            Diagnostic f = firsts.get(p);
            out.add(new Diagnostic(0, p, n + " more " + p + " diagnostic" + (n == 1 ? " is" : "s are") + " not listed"
                    + " (an analysis lists the first " + LISTED + "); the first of them: "
                    + (f.frame() > 0 ? "frame " + f.frame() + ": " : "") + f.message()));
        });
        return out;
    }
}
