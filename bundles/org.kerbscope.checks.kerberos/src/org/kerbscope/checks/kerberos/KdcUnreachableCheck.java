package org.kerbscope.checks.kerberos;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.kerbscope.core.flow.FindingBuilder;
import org.kerbscope.core.flow.Flows;
import org.kerbscope.core.model.Analysis;
import org.kerbscope.core.model.Event;
import org.kerbscope.core.model.Step;
import org.kerbscope.core.model.TcpEvent;
import org.kerbscope.core.spi.Check;
import org.kerbscope.core.spi.FindingSink;

/**
 * {@code kerberos.kdc-unreachable}: requests to a KDC that never answered, or TCP connections to its port 88 that it
 * refused (RST: nothing listens). A lone unanswered request at the very end of a capture may just be cut off, so the
 * request must be repeated or followed by other traffic; a refusal is an answer and counts alone.
 */
public final class KdcUnreachableCheck implements Check {

    /**
     * What came back to a SYN: "SYN-ACK", "RST" (the port is closed), an ICMP refusal ("ICMP port unreachable",
     * "ICMP administratively prohibited": a firewall) or null (nothing).
     */
    private static String answer(Analysis a, TcpEvent syn) {
        for (TcpEvent t : Flows.tcp(a, syn.src().address(), syn.dst())) {
            if (t.frame() > syn.frame() && ("SYN-ACK".equals(t.kind()) || "RST".equals(t.kind())) && t.src().equals(syn.dst())
                    && t.dst().equals(syn.src())) {
                return t.kind();
            }
        }
        TcpEvent icmp = icmpAfter(a, syn.src(), syn.dst(), syn.frame());
        return icmp != null ? icmp.kind() : null;
    }

    /** The first ICMP "destination unreachable" for a packet from {@code src} to {@code dst} after a frame, or null. */
    private static TcpEvent icmpAfter(Analysis a, org.kerbscope.core.model.Endpoint src, org.kerbscope.core.model.Endpoint dst,
            long frame) {
        Map<String, List<TcpEvent>> icmp = a.index("kerberos.icmpUnreachable", () -> {
            Map<String, List<TcpEvent>> m = new java.util.HashMap<>();
            for (TcpEvent t : a.tcpEvents()) {
                if (t.kind().startsWith("ICMP ") && t.dst().port() == 88) {
                    m.computeIfAbsent(t.src() + ">" + t.dst(), k -> new ArrayList<>()).add(t);
                }
            }
            return m;
        });
        for (TcpEvent t : icmp.getOrDefault(src + ">" + dst, List.of())) {
            if (t.frame() > frame) {
                return t;
            }
        }
        return null;
    }

    /** UDP requests to a KDC that got no reply, in frame order (found once per analysis). */
    private static List<Event> unanswered(Analysis a) {
        return a.index("kerberos.unansweredUdpRequests", () -> {
            List<Event> out = new ArrayList<>();
            for (Event e : a.events("kerberos")) {
                String t = e.string("msgType");
                // over TCP a KDC that answered the handshake is reachable, even if its reply was not captured whole
                if (("AS-REQ".equals(t) || "TGS-REQ".equals(t)) && "kdc-udp".equals(e.string("carrier"))
                        && Flows.replyTo(a, e) == null) {
                    out.add(e);
                }
            }
            return out;
        });
    }

    /**
     * SYNs to port 88 that got no SYN/ACK, in frame order (found once per analysis): answered by nothing, or refused
     * with a RST, each with what came back.
     */
    private record FailedSyn(TcpEvent syn, String answer) {
    }

    private static List<FailedSyn> failedSyns(Analysis a) {
        return a.index("kerberos.failedSyns", () -> {
            List<FailedSyn> out = new ArrayList<>();
            for (TcpEvent syn : a.tcpEvents()) {
                if ("SYN".equals(syn.kind()) && syn.dst().port() == 88) {
                    String answer = answer(a, syn);
                    if (!"SYN-ACK".equals(answer)) {
                        out.add(new FailedSyn(syn, answer));
                    }
                }
            }
            return out;
        });
    }

    /** What failed with one KDC: the finding's evidence so far, the requests nothing answered, the refused SYNs. */
    private static final class Failures {
        final FindingBuilder finding = new FindingBuilder("kerberos.kdc-unreachable").step(Step.TICKET_REQUEST);
        long firstFrame = -1;
        int silences;
        int refusals;
        int udpRefusals;

        void add(long frame, String what, boolean refused) {
            if (firstFrame < 0) {
                firstFrame = frame;
            }
            finding.frame(frame, what);
            if (refused) {
                refusals++;
            } else {
                silences++;
            }
        }
    }

    @Override
    public void run(Analysis a, FindingSink sink) {
        Map<String, Failures> byKdc = new LinkedHashMap<>();
        long lastFrame = a.capture() != null ? a.capture().frames() : Long.MAX_VALUE;
        for (Event e : unanswered(a)) {
            Failures f = byKdc.computeIfAbsent(e.dst().address(), k -> new Failures());
            if (f.firstFrame < 0) {
                f.finding.attempt(Flows.attemptOf(a, e.frame()));
            }
            TcpEvent icmp = icmpAfter(a, e.src(), e.dst(), e.frame());
            if (icmp != null) {
                f.udpRefusals++;
            }
            f.add(e.frame(), e.string("msgType") + " to " + e.dst() + " for " + e.string("sname")
                    + (icmp != null ? ": refused (" + icmp.kind() + ", frame " + icmp.frame() + ")" : ": no answer"),
                    icmp != null);
        }
        for (FailedSyn s : failedSyns(a)) {
            boolean refused = s.answer() != null;
            byKdc.computeIfAbsent(s.syn().dst().address(), k -> new Failures()).add(s.syn().frame(),
                    "TCP SYN to " + s.syn().dst() + (refused ? ": refused (" + s.answer() + ")" : ": no SYN/ACK"), refused);
        }
        for (Map.Entry<String, Failures> en : byKdc.entrySet()) {
            String kdc = en.getKey();
            Failures f = en.getValue();
            // one silence in a capture that ends right after it proves nothing; a refusal is an answer
            if (f.refusals == 0 && f.silences < 2 && lastFrame - f.firstFrame < 3) {
                continue;
            }
            if (f.silences == 0) {
                sink.report(f.finding.title("The KDC " + kdc + " refused Kerberos " + (f.udpRefusals > 0
                        ? "requests: nothing answers on port 88" : "connections: TCP port 88 is closed"))
                        .explanation((f.udpRefusals > 0 ? "The client sent Kerberos requests to " + kdc + " on port 88 and"
                                + " each was refused (ICMP destination unreachable for UDP, RST or ICMP for TCP)"
                                : "The client opened TCP connections to " + kdc + " on port 88 and each was refused"
                                + " (RST)") + ": nothing listens there, or a firewall rejects them. The Kerberos Key"
                                + " Distribution Center service is stopped, or " + kdc + " is not a domain controller (a stale"
                                + " DNS SRV record or a wrong address). Without a KDC"
                                + " the client cannot get a ticket (steps 5–6), and Negotiate falls back to NTLM or fails.")
                        .fix("sc.exe \\\\" + kdc + " query kdc", "Test-NetConnection -Port 88 " + kdc,
                                "nltest /dsgetdc:<domain>", "nslookup -type=SRV _kerberos._tcp.<domain>")
                        .build());
                continue;
            }
            sink.report(f.finding.title("The KDC " + kdc + " did not answer")
                    .explanation("The client sent Kerberos requests to " + kdc + " on port 88 and no reply came back."
                            + " Without a KDC the client cannot get a ticket (steps 5–6), and Negotiate falls back to NTLM or"
                            + " fails. Check that the domain controller is up and that UDP and TCP 88 are open on the path.")
                    .fix("Test-NetConnection -Port 88 " + kdc, "nltest /dsgetdc:<domain>", "nslookup -type=SRV _kerberos._tcp.<domain>")
                    .build());
        }
    }
}
