package org.kerbscope.cifs;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.kerbscope.cifs.internal.NtStatus;
import org.kerbscope.cifs.internal.SmbSessions;
import org.kerbscope.cifs.internal.SmbSessions.Exchange;
import org.kerbscope.core.flow.Flows;
import org.kerbscope.core.model.Analysis;
import org.kerbscope.core.model.AuthAttempt;
import org.kerbscope.core.model.Endpoint;
import org.kerbscope.core.model.Event;
import org.kerbscope.core.model.Outcome;
import org.kerbscope.core.model.Step;
import org.kerbscope.core.model.StepResult;
import org.kerbscope.core.model.StepStatus;
import org.kerbscope.core.model.TcpEvent;
import org.kerbscope.core.spi.ServiceProfile;

/**
 * The guide's "verify that other services function correctly": a client opening {@code \\server\share}. One
 * attempt per client → file server (address and port); NEGOTIATE is the anonymous request and its answer the
 * challenge (the SPNEGO hints name the mechanisms the server accepts), the TGS exchange for {@code cifs/host}
 * gives the ticket, SESSION_SETUP is the AP exchange and its STATUS_SUCCESS (then the TREE_CONNECT) the
 * authorisation. When a client set up several sessions, the steps tell the first one that succeeded (or the
 * last one tried); the checks read every one.
 */
public final class CifsService implements ServiceProfile {
    public static final String SERVICE = "cifs";
    public static final String SPN_CLASS = "cifs";

    @Override
    public List<AuthAttempt> attempts(Analysis a, int firstIndex) {
        Map<ClientServer, List<Event>> groups = new LinkedHashMap<>();
        for (Event e : SmbSessions.events(a)) {
            Endpoint server = SmbSessions.server(e);
            groups.computeIfAbsent(new ClientServer(SmbSessions.client(e).address(), server), k -> new ArrayList<>()).add(e);
        }
        List<AuthAttempt> out = new ArrayList<>();
        for (List<Event> events : groups.values()) {
            List<Exchange> exchanges = SmbSessions.exchanges(events);
            if (!exchanges.isEmpty()) {
                out.add(build(a, events, exchanges, firstIndex + out.size()));
            }
        }
        // connections to the service's port that were never answered: the connect step failed before it spoke
        out.addAll(Flows.unansweredConnects(a, out, firstIndex + out.size(), SERVICE, SPN_CLASS, CifsService::smbPort));
        return out;
    }

    /** A client (address) and the file server (address and port) it talks to: what one attempt is. */
    private record ClientServer(String client, Endpoint server) {
    }

    static boolean smbPort(int p) {
        return p == 445 || p == 139;
    }


    /** The exchange the steps tell: the first that succeeded, else the last one tried. */
    public static Exchange decisive(List<Exchange> exchanges) {
        for (Exchange x : exchanges) {
            if (x.succeeded()) {
                return x;
            }
        }
        return exchanges.get(exchanges.size() - 1);
    }

    private AuthAttempt build(Analysis a, List<Event> events, List<Exchange> exchanges, int index) {
        Exchange d = decisive(exchanges);
        String client = d.client().address();
        AuthAttempt at = new AuthAttempt(index, client, d.server(), SERVICE);
        at.events().addAll(events);
        // the Kerberos and NTLM messages the SMB messages carried, each protocol's in frame order
        Set<Long> frames = new TreeSet<>();
        events.forEach(e -> frames.add(e.frame()));
        for (String proto : List.of("kerberos", "ntlm")) {
            for (long frame : frames) {
                for (Event k : Flows.atFrame(a, proto, frame)) {
                    String carrier = k.string("carrier");
                    if (("smb2".equals(carrier) || "smb".equals(carrier))
                            && (client.equals(k.src().address()) || client.equals(k.dst().address()))) {
                        at.events().add(k);
                    }
                }
            }
        }
        Event kerbReq = d.legWith("kerberos");
        Event apReq = kerbReq != null ? carried(a, "kerberos", kerbReq, "AP-REQ") : null;
        at.setHost(host(exchanges, d, apReq));
        Event first = d.negotiateRequest() != null ? d.negotiateRequest() : d.legs().get(0);
        Flows.nameAndConnect(a, at, first.frame());

        // 3 anonymous request: NEGOTIATE; 4 challenge: its answer with the SPNEGO hints
        Event neg = d.negotiateRequest();
        if (neg != null) {
            List<Object> dialects = neg.list("dialects");
            at.steps().add(ok(Step.ANONYMOUS_REQUEST, List.of(neg.frame()), ("NEGOTIATE".equals(neg.string("command"))
                    && neg.fields().containsKey("uid") ? "SMB1 " : "") + "NEGOTIATE offering dialects "
                    + String.join(", ", dialects.stream().map(String::valueOf).toList())));
        } else {
            at.steps().add(new StepResult(Step.ANONYMOUS_REQUEST, StepStatus.NOT_SEEN, List.of(),
                    "the connection was negotiated before the capture started"));
        }
        Event negResp = d.negotiateResponse();
        if (negResp == null) {
            at.steps().add(new StepResult(Step.CHALLENGE, StepStatus.NOT_SEEN, List.of(),
                    "no NEGOTIATE response in the capture"));
        } else if (SmbSessions.status(negResp) != NtStatus.SUCCESS) {
            at.steps().add(new StepResult(Step.CHALLENGE, StepStatus.FAILED, List.of(negResp.frame()),
                    "NEGOTIATE answered " + negResp.string("statusName")));
        } else {
            List<String> offered = d.offered();
            String dialect = negResp.string("dialect");
            at.steps().add(ok(Step.CHALLENGE, List.of(negResp.frame()), "NEGOTIATE response"
                    + (dialect != null ? " (dialect " + dialect + ")" : "")
                    + (offered.isEmpty() ? " without mechanism hints: the client chooses"
                            : " offering " + String.join(", ", offered))));
        }

        // 5 ticket request, 6 ticket: the TGS exchange for cifs/host before the session set-up
        String spn = at.host() != null && !Flows.isIpLiteral(at.host()) ? SPN_CLASS + "/" + at.host() : null;
        long before = kerbReq != null ? kerbReq.frame() : d.legs().get(d.legs().size() - 1).frame();
        Event tgsReq = spn == null ? Flows.ticketRequest(a, client, SPN_CLASS, before)
                : Flows.ticketRequest(a, client, SPN_CLASS, before, spn);
        Event reply = tgsReq != null ? Flows.replyTo(a, tgsReq) : null;
        if (tgsReq != null) {
            spn = tgsReq.string("sname");
        } else if (apReq != null && apReq.string("sname") != null) {
            spn = apReq.string("sname");
        }
        at.setSpn(spn);
        if (tgsReq != null) {
            Flows.ticketSteps(a, at, tgsReq, reply);
        } else {
            String why = kerbReq != null ? "the ticket came from the client's cache (run klist purge before recording)"
                    : Flows.isIpLiteral(at.host()) ? "the client addressed the server by IP: Windows does not ask for a ticket"
                            : "the client never asked the KDC for " + (spn != null ? spn : "a cifs ticket");
            at.steps().add(new StepResult(Step.TICKET_REQUEST, StepStatus.NOT_SEEN, List.of(), why));
            at.steps().add(new StepResult(Step.TICKET, StepStatus.NOT_SEEN, List.of(), "no ticket request"));
        }

        // 7 AP exchange: what the SESSION_SETUP token carried
        String auth = d.auth();
        if ("kerberos".equals(auth)) {
            at.steps().add(ok(Step.AP_EXCHANGE, List.of(kerbReq.frame()), SmbSessions.isRequest(kerbReq)
                    ? "SESSION_SETUP with a Kerberos AP-REQ"
                            + (apReq != null && apReq.string("sname") != null ? " for " + apReq.string("sname") : "")
                    : "the SESSION_SETUP answer carries a Kerberos AP-REP (the request is not in the capture)"));
            if (at.user() == null && apReq != null && apReq.fields().get("decrypted") instanceof Map<?, ?> dec
                    && dec.get("cname") != null) {
                at.setUser(dec.get("cname") + (apReq.string("realm") != null ? "@" + apReq.string("realm") : ""));
            }
        } else if ("ntlm".equals(auth)) {
            List<Long> f = new ArrayList<>();
            for (Event r : d.legs()) {
                if ("ntlm".equals(r.string("auth")) && (SmbSessions.isRequest(r) || d.requests().isEmpty())) {
                    f.add(r.frame());
                }
            }
            at.steps().add(new StepResult(Step.AP_EXCHANGE, StepStatus.FAILED, f,
                    "the client fell back to NTLM: SESSION_SETUP carries NTLMSSP instead of a Kerberos AP-REQ"));
            String account = ntlmAccount(a, d);
            if (account != null) {
                at.setUser(account);
            }
        } else if ("none".equals(auth)) {
            at.steps().add(new StepResult(Step.AP_EXCHANGE, StepStatus.NOT_APPLICABLE, List.of(d.legs().get(0).frame()),
                    "SESSION_SETUP without a security token: an anonymous (null) session"));
        } else if ("legacy".equals(auth)) {
            at.steps().add(new StepResult(Step.AP_EXCHANGE, StepStatus.FAILED, List.of(d.legs().get(0).frame()),
                    "SMB1 SESSION_SETUP without extended security: LM/NTLM challenge-response, Kerberos impossible"));
        } else if (d.requests().isEmpty()) {
            at.steps().add(new StepResult(Step.AP_EXCHANGE, StepStatus.NOT_SEEN, List.of(),
                    "the SESSION_SETUP request is not in the capture"));
        } else {
            at.steps().add(new StepResult(Step.AP_EXCHANGE, StepStatus.NOT_SEEN, List.of(d.requests().get(0).frame()),
                    "the SESSION_SETUP token carries neither Kerberos nor NTLM"));
        }

        // 8 authorised: the SESSION_SETUP verdict, then the TREE_CONNECT
        at.steps().add(authorized(a, exchanges, d));
        StepResult verdict = at.step(Step.AUTHORIZED);
        boolean granted = verdict.status() == StepStatus.OK;
        if ("kerberos".equals(auth) && granted) {
            at.setOutcome(Outcome.KERBEROS);
        } else if ("ntlm".equals(auth) && granted) {
            at.setOutcome(Outcome.NTLM_FALLBACK);
        } else if (at.failedStep() != null) {
            at.setOutcome(Outcome.FAILED);
        } else {
            at.setOutcome(Outcome.INCOMPLETE);
        }
        return at;
    }

    private static StepResult authorized(Analysis a, List<Exchange> exchanges, Exchange d) {
        Event fin = d.finalResponse();
        if (fin == null) {
            return new StepResult(Step.AUTHORIZED, StepStatus.NOT_SEEN, List.of(),
                    "no final answer to the SESSION_SETUP in the capture");
        }
        if (!d.succeeded()) {
            return new StepResult(Step.AUTHORIZED, StepStatus.FAILED, List.of(fin.frame()),
                    "SESSION_SETUP answered " + fin.string("statusName"));
        }
        int refusedBefore = 0;
        for (Exchange x : exchanges) {
            if (x != d && x.firstFrame() < d.firstFrame() && x.finalResponse() != null && !x.succeeded()) {
                refusedBefore++;
            }
        }
        StringBuilder note = new StringBuilder("SESSION_SETUP answered STATUS_SUCCESS");
        List<String> flags = d.sessionFlags();
        if (flags.contains("guest")) {
            note.append(" as a guest session");
        } else if (flags.contains("null")) {
            note.append(" as an anonymous (null) session");
        }
        if (refusedBefore > 0) {
            note.append(" (after ").append(refusedBefore).append(refusedBefore == 1 ? " refused set-up)" : " refused set-ups)");
        }
        List<Long> frames = new ArrayList<>(List.of(fin.frame()));
        boolean anyTreeOk = false;
        Event refused = null;
        for (Event t : d.trees()) {
            if (SmbSessions.isRequest(t)) {
                continue;
            }
            long st = SmbSessions.status(t);
            frames.add(t.frame());
            if (st == NtStatus.SUCCESS) {
                anyTreeOk = true;
            } else if (NtStatus.isShareRefusal(st) && refused == null) {
                refused = t;
            }
        }
        String asked = null;
        for (Event t : d.trees()) {
            if (SmbSessions.isRequest(t)) {
                asked = t.string("share");
                continue;
            }
            // SMB1 answers do not repeat the path: take it from the request they answer
            String share = t.string("share") != null ? t.string("share") : asked;
            note.append("; TREE_CONNECT ").append(share != null ? share + " " : "").append("→ ")
                    .append(t.string("statusName"));
        }
        if (d.trees().isEmpty()) {
            note.append(encryptedAfter(a, d) ? "; the session is encrypted from here on" : "; no TREE_CONNECT seen");
        }
        boolean failed = refused != null && !anyTreeOk;
        return new StepResult(Step.AUTHORIZED, failed ? StepStatus.FAILED : StepStatus.OK, frames, note.toString());
    }

    private static boolean encryptedAfter(Analysis a, Exchange d) {
        // the last encrypted message of each client: one pass for all the attempts that ask
        Map<Endpoint, Long> lastEncrypted = a.index("cifs.lastEncryptedByClient", () -> {
            Map<Endpoint, Long> m = new java.util.HashMap<>();
            for (Event e : a.events("smb2")) {
                if ("ENCRYPTED".equals(e.string("command"))) {
                    m.merge(SmbSessions.client(e), e.frame(), Math::max);
                }
            }
            return m;
        });
        return lastEncrypted.getOrDefault(d.client(), Long.MIN_VALUE) > d.firstFrame();
    }

    /** The Kerberos or NTLM event a SESSION_SETUP request carried, or null. */
    static Event carried(Analysis a, String proto, Event request, String type) {
        for (Event k : Flows.atFrame(a, proto, request.frame())) {
            if (k.src().equals(request.src())
                    && (type == null || type.equals(k.string("msgType")) || type.equals(k.string("messageType")))) {
                return k;
            }
        }
        return null;
    }

    /** DOMAIN\\user of the NTLM AUTHENTICATE message of an exchange, or null. */
    public static String ntlmAccount(Analysis a, Exchange x) {
        for (Event r : x.requests()) {
            Event n = carried(a, "ntlm", r, "AUTHENTICATE");
            if (n != null) {
                String user = n.string("user");
                String domain = n.string("domain");
                if (user == null || user.isEmpty() || "NULL".equals(user)) {
                    return "anonymous";
                }
                return (domain != null && !domain.isEmpty() && !"NULL".equals(domain) ? domain + "\\" : "") + user;
            }
        }
        return null;
    }

    /** The file server's name: from a UNC path the client opened, else the host of the ticket's SPN. */
    private static String host(List<Exchange> exchanges, Exchange d, Event apReq) {
        String h = SmbSessions.hostOfShare(d.share());
        if (h == null) {
            for (Exchange x : exchanges) {
                h = SmbSessions.hostOfShare(x.share());
                if (h != null) {
                    break;
                }
            }
        }
        if ((h == null || Flows.isIpLiteral(h)) && apReq != null && apReq.string("sname") != null
                && apReq.string("sname").contains("/")) {
            String s = apReq.string("sname");
            h = s.substring(s.indexOf('/') + 1).toLowerCase(Locale.ROOT);
        }
        return h;
    }

    private static StepResult ok(Step s, List<Long> frames, String note) {
        return new StepResult(s, StepStatus.OK, frames, note);
    }

}
