package org.kerbscope.ldap;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
 * A client binding to a directory server (a domain controller) over LDAP. One attempt per client → server
 * (address and port) that authenticates; its steps come from DNS, TCP, the LDAP binds and the Kerberos exchange
 * for {@code ldap/host}:
 * <ol>
 * <li>name resolution and 2 connect as for every service;</li>
 * <li value="3">anonymous request: an anonymous bind or a search (typically of the rootDSE) before the
 * authenticating bind; LDAP does not need one, so its absence is not applicable;</li>
 * <li>challenge: the rootDSE's supportedSASLMechanisms, when the client asked; LDAP servers do not
 * challenge;</li>
 * <li>ticket request / 6 ticket: TGS-REQ and its answer for {@code ldap/host};</li>
 * <li value="7">AP exchange: a SASL bind (GSS-SPNEGO, GSSAPI) carrying a Kerberos AP-REQ; NTLM (SASL or
 * sicily) is the fallback;</li>
 * <li>authorised: the final bindResponse is success.</li>
 * </ol>
 */
public final class LdapService implements ServiceProfile {
    static final String SERVICE = "ldap";
    static final String SPN_CLASS = "ldap";

    @Override
    public List<AuthAttempt> attempts(Analysis a, int firstIndex) {
        Map<ClientServer, List<Event>> groups = new LinkedHashMap<>();
        for (Event e : a.events(SERVICE)) {
            if (e.is("cldap", true)) {
                continue; // DC locator pings are connectionless and never authenticate
            }
            boolean request = LdapEvents.isRequest(e);
            Endpoint client = request ? e.src() : e.dst();
            Endpoint server = request ? e.dst() : e.src();
            groups.computeIfAbsent(new ClientServer(client.address(), server), k -> new ArrayList<>()).add(e);
        }
        List<AuthAttempt> out = new ArrayList<>();
        for (List<Event> events : groups.values()) {
            if (events.stream().anyMatch(LdapEvents::authenticates)) {
                out.add(build(a, events, firstIndex + out.size()));
            }
        }
        // connections to the service's port that were never answered: the connect step failed before it spoke
        out.addAll(Flows.unansweredConnects(a, out, firstIndex + out.size(), SERVICE, SPN_CLASS, LdapService::ldapPort));
        return out;
    }

    /** A client (address) and the directory server (address and port) it binds to: what one attempt is. */
    private record ClientServer(String client, Endpoint server) {
    }

    static boolean ldapPort(int p) {
        return p == 389 || p == 3268 || p == 636 || p == 3269;
    }


    private AuthAttempt build(Analysis a, List<Event> events, int index) {
        Event first = events.get(0);
        boolean firstIsRequest = LdapEvents.isRequest(first);
        String client = firstIsRequest ? first.src().address() : first.dst().address();
        Endpoint server = firstIsRequest ? first.dst() : first.src();
        AuthAttempt at = new AuthAttempt(index, client, server, SERVICE);
        at.events().addAll(events);
        Flows.nameAndConnect(a, at, first.frame());

        // the binds: the first carrying Kerberos, else the first NTLM one, else the first with a password
        Event krbBind = null, ntlmBind = null, simpleBind = null, krbReply = null;
        for (Event e : events) {
            if ("bindRequest".equals(e.string("op"))) {
                String kind = e.string("saslCredsKind");
                if ("kerberos".equals(kind) && krbBind == null) {
                    krbBind = e;
                } else if ("ntlm".equals(kind) && ntlmBind == null) {
                    ntlmBind = e;
                } else if (LdapEvents.simpleWithCredentials(e) && simpleBind == null) {
                    simpleBind = e;
                }
            } else if ("bindResponse".equals(e.string("op")) && "kerberos".equals(e.string("saslCredsKind"))
                    && krbReply == null) {
                krbReply = e;
            }
        }
        Event authBind = krbBind != null ? krbBind : ntlmBind != null ? ntlmBind : simpleBind;
        long authFrame = authBind != null ? authBind.frame() : krbReply != null ? krbReply.frame() : Long.MAX_VALUE;

        // the Kerberos and NTLM messages the binds carried
        java.util.Set<Long> frames = new java.util.TreeSet<>();
        events.forEach(e -> frames.add(e.frame()));
        Event apReq = null;
        for (long frame : frames) {
            for (Event k : Flows.atFrame(a, "kerberos", frame)) {
                if ("ldap".equals(k.string("carrier"))) {
                    at.events().add(k);
                    if (apReq == null && "AP-REQ".equals(k.string("msgType")) && client.equals(k.src().address())) {
                        apReq = k;
                    }
                }
            }
        }
        Event ntlmAuth = null;
        for (long frame : frames) {
            for (Event n : Flows.atFrame(a, "ntlm", frame)) {
                if ("ldap".equals(n.string("carrier"))) {
                    at.events().add(n);
                    if (ntlmAuth == null && "AUTHENTICATE".equals(n.string("messageType"))) {
                        ntlmAuth = n;
                    }
                }
            }
        }
        if (at.host() == null && apReq != null) {
            at.setHost(LdapEvents.spnHost(apReq.string("sname")));
        }

        // 3 anonymous request, 4 challenge
        Event anon = null;
        for (Event e : events) {
            if (e.frame() >= authFrame) {
                break;
            }
            if (LdapEvents.isRequest(e) && ("bindRequest".equals(e.string("op")) ? e.fields().containsKey("anonymous")
                    : !"unbindRequest".equals(e.string("op")))) {
                anon = e;
                break;
            }
        }
        if (anon != null) {
            at.steps().add(ok(Step.ANONYMOUS_REQUEST, List.of(anon.frame()), "bindRequest".equals(anon.string("op"))
                    ? "anonymous bind before authenticating" : anon.string("op") + " before binding"
                            + (anon.string("baseObject") != null && anon.string("baseObject").isEmpty()
                                    ? " (rootDSE)" : "")));
        } else {
            at.steps().add(new StepResult(Step.ANONYMOUS_REQUEST, StepStatus.NOT_APPLICABLE, List.of(),
                    "the client bound with credentials at once (LDAP needs no anonymous request)"));
        }
        Event mechQuery = null, mechAnswer = null;
        for (Event e : events) {
            if (mechQuery == null && "searchRequest".equals(e.string("op")) && "".equals(e.string("baseObject"))
                    && e.list("attributes").stream().anyMatch(x -> "supportedSASLMechanisms".equalsIgnoreCase(
                            String.valueOf(x)))) {
                mechQuery = e;
            } else if (mechQuery != null && mechAnswer == null && "searchResEntry".equals(e.string("op"))
                    && e.fields().containsKey("supportedSASLMechanisms")) {
                mechAnswer = e;
            }
        }
        if (mechQuery != null) {
            List<Long> f = mechAnswer != null ? List.of(mechQuery.frame(), mechAnswer.frame()) : List.of(mechQuery.frame());
            at.steps().add(new StepResult(Step.CHALLENGE, mechAnswer != null ? StepStatus.OK : StepStatus.NOT_SEEN, f,
                    mechAnswer != null ? "the rootDSE offers " + String.join(", ",
                            mechAnswer.list("supportedSASLMechanisms").stream().map(String::valueOf).toList())
                            : "the client asked the rootDSE for supportedSASLMechanisms: no answer seen"));
        } else {
            at.steps().add(new StepResult(Step.CHALLENGE, StepStatus.NOT_APPLICABLE, List.of(),
                    "LDAP servers do not challenge: the client chose its SASL mechanism itself"));
        }

        // 5 ticket request, 6 ticket
        String apSpn = apReq != null ? apReq.string("sname") : null;
        String host = at.host();
        String spn = apSpn != null ? apSpn : host != null && !Flows.isIpLiteral(host) ? SPN_CLASS + "/" + host : null;
        // an SPN made of the server's address is this server's too (a SASL client that found no PTR record asks so)
        Event tgsReq = spn == null ? Flows.ticketRequest(a, client, SPN_CLASS, authFrame)
                : Flows.ticketRequest(a, client, SPN_CLASS, authFrame, spn, SPN_CLASS + "/" + server.address());
        Event reply = tgsReq != null ? Flows.replyTo(a, tgsReq) : null;
        if (tgsReq != null) {
            spn = tgsReq.string("sname");
            if (host == null) {
                at.setHost(LdapEvents.spnHost(spn));
            }
        }
        at.setSpn(spn);
        if (tgsReq != null) {
            Flows.ticketSteps(a, at, tgsReq, reply);
        } else {
            String why = krbBind != null || krbReply != null
                    ? "the ticket came from the client's cache (run klist purge before recording)"
                    : Flows.isIpLiteral(host) ? "the client addressed the server by IP: Windows does not ask for a ticket"
                            : "the client never asked the KDC for " + (spn != null ? spn : "an ldap/ ticket");
            at.steps().add(new StepResult(Step.TICKET_REQUEST, StepStatus.NOT_SEEN, List.of(), why));
            at.steps().add(new StepResult(Step.TICKET, StepStatus.NOT_SEEN, List.of(), "no ticket request"));
        }

        // 7 AP exchange
        if (krbBind != null) {
            at.steps().add(ok(Step.AP_EXCHANGE, List.of(krbBind.frame()), "SASL bind " + krbBind.string("mechanism")
                    + " with a Kerberos AP-REQ" + (apSpn != null ? " for " + apSpn : "")));
        } else if (krbReply != null) {
            at.steps().add(ok(Step.AP_EXCHANGE, List.of(krbReply.frame()),
                    "the bind request was not readable; the server's Kerberos AP-REP shows a Kerberos bind"));
        } else if (ntlmBind != null) {
            boolean sicily = String.valueOf(ntlmBind.string("authChoice")).startsWith("sicily");
            at.steps().add(new StepResult(Step.AP_EXCHANGE, StepStatus.FAILED, List.of(ntlmBind.frame()),
                    "the client fell back to NTLM (" + (sicily ? "Microsoft sicily bind" : "SASL "
                            + ntlmBind.string("mechanism")) + " carrying NTLMSSP instead of a Kerberos AP-REQ)"));
        } else if (simpleBind != null) {
            at.steps().add(new StepResult(Step.AP_EXCHANGE, StepStatus.NOT_APPLICABLE, List.of(simpleBind.frame()),
                    "simple bind" + (simpleBind.string("bindName") != null ? " as " + simpleBind.string("bindName") : "")
                            + ": a password, not Kerberos"));
        } else {
            at.steps().add(new StepResult(Step.AP_EXCHANGE, StepStatus.NOT_SEEN, List.of(), "no authenticating bind"));
        }
        if (ntlmAuth != null && at.user() == null && ntlmAuth.string("user") != null
                && !ntlmAuth.string("user").isEmpty()) {
            String d = ntlmAuth.string("domain");
            at.setUser((d != null && !d.isEmpty() ? d + "\\" : "") + ntlmAuth.string("user"));
        } else if (at.user() == null && authBind != null && authBind.string("bindName") != null) {
            at.setUser(authBind.string("bindName"));
        }

        // 8 authorised: the bindResponse that ends the bind sequence
        Event verdict = null;
        boolean inProgress = false;
        if (authBind != null) {
            for (Event e : events) {
                if (e.frame() >= authBind.frame() && "bindResponse".equals(e.string("op"))
                        && e.dst().equals(authBind.src())) {
                    // saslBindInProgress, and the success that carries a sicily CHALLENGE, only open another round
                    if (e.integer("resultCode", -1) == 14 || ("sicily".equals(e.string("authChoice"))
                            && "ntlm".equals(e.string("saslCredsKind")))) {
                        inProgress = true;
                        continue;
                    }
                    verdict = e;
                    break;
                }
            }
        } else if (krbReply != null) {
            verdict = krbReply;
        }
        if (verdict != null) {
            int rc = verdict.integer("resultCode", -1);
            String note = "bindResponse " + verdict.string("resultName") + " (" + rc + ")";
            if (verdict.string("adError") != null) {
                note += ", AD data " + verdict.string("adError") + (verdict.string("adErrorMeaning") != null
                        ? ": " + verdict.string("adErrorMeaning") : "");
            }
            if (rc == 0 && "kerberos".equals(verdict.string("saslCredsKind"))) {
                note += " with the server's AP-REP (mutual authentication)";
            }
            at.steps().add(new StepResult(Step.AUTHORIZED, rc == 0 ? StepStatus.OK : StepStatus.FAILED,
                    List.of(verdict.frame()), note));
        } else {
            at.steps().add(new StepResult(Step.AUTHORIZED, StepStatus.NOT_SEEN, List.of(), inProgress
                    ? "the server asked for another round (saslBindInProgress) and the client did not go on"
                    : authBind != null ? "no answer to the bind" : "never reached"));
        }

        StepResult auth = at.step(Step.AUTHORIZED);
        if (ntlmBind != null && krbBind == null && krbReply == null) {
            at.setOutcome(Outcome.NTLM_FALLBACK);
        } else if ((krbBind != null || krbReply != null) && auth.status() == StepStatus.OK) {
            at.setOutcome(Outcome.KERBEROS);
        } else if (at.failedStep() != null) {
            at.setOutcome(Outcome.FAILED);
        } else {
            at.setOutcome(Outcome.INCOMPLETE);
        }
        return at;
    }

    private static StepResult ok(Step s, List<Long> frames, String note) {
        return new StepResult(s, StepStatus.OK, frames, note);
    }

}
