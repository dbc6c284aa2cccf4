package org.kerbscope.engine.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import org.kerbscope.core.model.Analysis;
import org.kerbscope.core.model.AuthAttempt;
import org.kerbscope.core.model.Diagnostic;
import org.kerbscope.core.model.StepResult;
import org.kerbscope.core.spi.Limits;

/**
 * The cap on authentication attempts per capture ({@link Limits#ATTEMPTS_MAX}): a capture of a busy server can hold
 * more attempts than the checks and reports should walk, so only the first ones in frame order are kept, and one
 * diagnostic says how many were dropped and how to keep them.
 */
public final class AttemptCap {
    /** The protocol of the diagnostic; with the message's start it finds an earlier run's diagnostic again. */
    static final String PROTOCOL = "analysis";
    private static final String MARK = " authentication attempts were found; only the first ";

    private AttemptCap() {
    }

    /**
     * Keeps the first {@code max} attempts of the analysis in frame order (in their original order, renumbered from
     * 0 so that an attempt's index stays its position) and reports the rest. Replaces the diagnostic of an earlier
     * call, since the attempts are rebuilt when evidence is added.
     *
     * @return how many attempts were dropped
     */
    public static int apply(Analysis a, long max) {
        a.diagnostics().removeIf(d -> PROTOCOL.equals(d.protocol()) && d.message().contains(MARK));
        List<AuthAttempt> all = a.attempts();
        if (all.size() <= max) {
            return 0;
        }
        int keep = (int) max;
        List<AuthAttempt> byFrame = new ArrayList<>(all);
        byFrame.sort(Comparator.comparingLong(AttemptCap::firstFrame)); // stable: ties keep the services' order
        java.util.Set<AuthAttempt> kept = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        kept.addAll(byFrame.subList(0, keep));
        long firstDropped = firstFrame(byFrame.get(keep));
        List<AuthAttempt> out = new ArrayList<>(keep);
        for (AuthAttempt at : all) {
            if (kept.contains(at)) {
                out.add(at.index() == out.size() ? at : renumbered(at, out.size()));
            }
        }
        int dropped = all.size() - keep;
        all.clear();
        all.addAll(out);
        a.clearAttemptIndexes(); // the indexes of the messages stay
        String from = firstDropped == Long.MAX_VALUE ? "" : " from frame " + firstDropped + " on";
        a.diagnostics().add(0, new Diagnostic(0, PROTOCOL, (keep + dropped) + MARK + keep + " (in frame order) "
                + (keep == 1 ? "is" : "are") + " checked; " + dropped + (dropped == 1 ? " attempt" : " attempts") + from
                + (dropped == 1 ? " was" : " were") + " dropped (" + Limits.reached(Limits.ATTEMPTS_MAX, max) + ")"));
        return dropped;
    }

    /** Where an attempt starts: its first event, else the first frame a step cites, else last of all. */
    static long firstFrame(AuthAttempt at) {
        long first = Long.MAX_VALUE;
        for (var e : at.events()) {
            first = Math.min(first, e.frame());
        }
        if (first == Long.MAX_VALUE) {
            for (StepResult s : at.steps()) {
                for (Long f : s.frames()) {
                    first = Math.min(first, f);
                }
            }
        }
        return first;
    }

    private static AuthAttempt renumbered(AuthAttempt at, int index) {
        AuthAttempt c = new AuthAttempt(index, at.client(), at.server(), at.service());
        c.setHost(at.host());
        c.setSpn(at.spn());
        c.setUser(at.user());
        c.setOutcome(at.outcome());
        c.events().addAll(at.events());
        c.steps().addAll(at.steps());
        return c;
    }
}
