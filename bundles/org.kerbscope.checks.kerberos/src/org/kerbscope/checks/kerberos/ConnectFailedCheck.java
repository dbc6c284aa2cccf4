package org.kerbscope.checks.kerberos;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.kerbscope.core.flow.FindingBuilder;
import org.kerbscope.core.flow.Flows;
import org.kerbscope.core.model.Analysis;
import org.kerbscope.core.model.AuthAttempt;
import org.kerbscope.core.model.Event;
import org.kerbscope.core.model.EvidenceItem;
import org.kerbscope.core.model.Severity;
import org.kerbscope.core.model.Step;
import org.kerbscope.core.model.StepResult;
import org.kerbscope.core.model.StepStatus;
import org.kerbscope.core.model.TcpEvent;
import org.kerbscope.core.spi.Check;
import org.kerbscope.core.spi.FindingSink;

/**
 * {@code tcp.connect-failed}: an attempt whose connect step failed (SYN without SYN/ACK, or RST). A browser's HTTPS
 * upgrade is information only: Chrome and Edge (from version 115) and Firefox (HTTPS-First) first try https:// for an
 * http:// address and fall back to http:// when the port refuses, so a refused or unanswered port 443 followed within
 * seconds by HTTP to the same server from the same client is that fallback, not the site's failure.
 */
public final class ConnectFailedCheck implements Check {
    /** How long after the refused HTTPS connection the client's HTTP may start to be its fallback. */
    private static final long FALLBACK_NANOS = 30_000_000_000L;

    @Override
    public void run(Analysis a, FindingSink sink) {
        Map<String, List<AuthAttempt>> plainHttp = null;
        for (AuthAttempt at : a.attempts()) {
            StepResult c = at.step(Step.CONNECT);
            if (c == null || c.status() != StepStatus.FAILED) {
                continue;
            }
            if ("http".equals(at.service()) && at.server().port() == 443 && !c.frames().isEmpty()) {
                if (plainHttp == null) {
                    plainHttp = plainHttp(a);
                }
                AuthAttempt fallback = fallback(a, at, c.frames().get(0), plainHttp);
                if (fallback != null) {
                    sink.report(upgradeFallback(a, at, c, fallback));
                    continue;
                }
            }
            FindingBuilder f = connectFrames(a, new FindingBuilder("tcp.connect-failed"), at, c);
            for (EvidenceItem ev : a.evidence("portTests")) {
                if (Boolean.FALSE.equals(ev.fields().get("succeeded"))) {
                    f.file(ev.file(), "Test-NetConnection to " + ev.string("computer") + " port " + ev.string("port") + " failed");
                }
            }
            String target = at.host() != null ? at.host() : at.server().address();
            sink.report(f.title("The client cannot connect to " + at.server())
                    .explanation("Step 2 failed: " + c.note() + ". Authentication never starts without a connection. Check"
                            + " that the service runs and listens on port " + at.server().port() + ", and that no firewall"
                            + " between client and server blocks it.")
                    .fix("Test-NetConnection -Port " + at.server().port() + " " + target,
                            "netstat -ano | findstr :" + at.server().port(), "Get-Service W3SVC")
                    .build());
        }
    }

    /**
     * The connect step's frames: the SYN, each time the client sent it again, and what ends the step (the refusal, or
     * the last SYN nothing answered) with the step's note.
     */
    private static FindingBuilder connectFrames(Analysis a, FindingBuilder f, AuthAttempt at, StepResult c) {
        f.step(Step.CONNECT).attempt(at.index());
        List<Long> frames = c.frames();
        java.util.Set<Long> syns = new java.util.HashSet<>();
        for (var t : Flows.tcp(a, at.client(), at.server())) {
            if ("SYN".equals(t.kind())) {
                syns.add(t.frame());
            }
        }
        for (int i = 0; i < frames.size(); i++) {
            f.frame(frames.get(i), i == 0 ? "SYN from " + at.client() + " to " + at.server()
                    : i < frames.size() - 1 && syns.contains(frames.get(i)) ? "the same SYN sent again: nothing answered it"
                    : c.note());
        }
        return f;
    }

    /** The client's HTTP attempts on ports other than 443, by client and server address. */
    private static Map<String, List<AuthAttempt>> plainHttp(Analysis a) {
        Map<String, List<AuthAttempt>> m = new HashMap<>();
        for (AuthAttempt x : a.attempts()) {
            if ("http".equals(x.service()) && x.server().port() != 443 && !x.events().isEmpty()
                    && "http".equals(x.events().get(0).protocol())) {
                m.computeIfAbsent(x.client() + " " + x.server().address(), k -> new ArrayList<>()).add(x);
            }
        }
        return m;
    }

    /** The HTTP attempt that started within {@link #FALLBACK_NANOS} after the refused SYN, for the same site; or null. */
    private static AuthAttempt fallback(Analysis a, AuthAttempt at, long synFrame, Map<String, List<AuthAttempt>> plain) {
        TcpEvent syn = null;
        for (TcpEvent t : Flows.tcp(a, at.client(), at.server())) {
            if (t.frame() == synFrame) {
                syn = t;
                break;
            }
        }
        if (syn == null) {
            return null;
        }
        for (AuthAttempt x : plain.getOrDefault(at.client() + " " + at.server().address(), List.of())) {
            Event first = x.events().get(0);
            long after = first.timeNanos() - syn.timeNanos();
            if (first.frame() > synFrame && after <= FALLBACK_NANOS
                    && (at.host() == null || x.host() == null || at.host().equalsIgnoreCase(x.host()))) {
                return x;
            }
        }
        return null;
    }

    private static org.kerbscope.core.model.Finding upgradeFallback(Analysis a, AuthAttempt at, StepResult c,
            AuthAttempt fallback) {
        Event first = fallback.events().get(0);
        String site = at.host() != null ? at.host() : at.server().address();
        FindingBuilder f = connectFrames(a, new FindingBuilder("tcp.connect-failed").severity(Severity.INFO), at, c);
        f.frame(first.frame(), "then HTTP to " + fallback.server() + " (attempt " + fallback.index() + ")");
        return f.title("The client tried HTTPS first for " + site + " and fell back to HTTP")
                .explanation("The connection to " + at.server() + " failed (" + c.note() + "), and the same client spoke"
                        + " HTTP to " + fallback.server() + " right after: browsers (Chrome and Edge from version 115,"
                        + " Firefox with HTTPS-First) first try https:// for an http:// address and fall back when the port"
                        + " refuses. The site's authentication is attempt " + fallback.index() + "; this one is only the"
                        + " upgrade. Listen on 443"
                        + " with a certificate for " + site + " to have the browser use HTTPS.")
                .fix("Test-NetConnection -Port 443 " + site, "netsh http show sslcert")
                .build();
    }
}
