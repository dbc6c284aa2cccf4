package org.kerbscope.checks.http;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.kerbscope.core.flow.FindingBuilder;
import org.kerbscope.core.model.Analysis;
import org.kerbscope.core.model.AuthAttempt;
import org.kerbscope.core.model.EvidenceItem;
import org.kerbscope.core.model.Event;
import org.kerbscope.core.model.Outcome;
import org.kerbscope.core.model.Severity;
import org.kerbscope.core.model.Step;
import org.kerbscope.core.model.StepResult;
import org.kerbscope.core.model.StepStatus;
import org.kerbscope.core.spi.Check;
import org.kerbscope.core.spi.FindingSink;

/**
 * {@code http.ntlm-fallback}: the server offered Negotiate and the client answered with NTLM. A 4624 with package
 * NTLM for the same client confirms it from the server's side.
 */
public final class NtlmFallbackCheck implements Check {

    @Override
    public void run(Analysis a, FindingSink sink) {
        for (AuthAttempt at : a.attempts()) {
            HttpChecks.Exchange x = HttpChecks.exchange(a, at);
            if (at.outcome() == Outcome.NTLM_FALLBACK && at.step(Step.ANONYMOUS_REQUEST) != null
                    && at.step(Step.ANONYMOUS_REQUEST).encrypted()) {
                sink.report(https(at, HttpChecks.eventsFrom(a, at.client())));
                continue;
            }
            Event challenge = x.challenge();
            Event ntlm = x.ntlmRequest();
            if (challenge == null || ntlm == null || !HttpChecks.offers(challenge, "Negotiate")
                    || x.kerberosRequest() != null) {
                continue;
            }
            FindingBuilder f = new FindingBuilder("http.ntlm-fallback").severity(Severity.WARNING).step(Step.AP_EXCHANGE)
                    .attempt(at.index())
                    .frame(challenge.frame(), challenge.integer("status", 401) + " offering " + challenge.list("wwwAuthenticate"))
                    .frame(ntlm.frame(), ((Map<?, ?>) ntlm.fields().get("authorization")).get("scheme")
                            + " token carrying NTLMSSP instead of a Kerberos AP-REQ");
            List<String> why = new ArrayList<>();
            for (Event k : at.events()) {
                if ("kerberos".equals(k.protocol()) && "KRB-ERROR".equals(k.string("msgType"))) {
                    why.add("the KDC refused the ticket (" + k.string("errorName") + ", frame " + k.frame() + ")");
                    f.frame(k.frame(), "KRB-ERROR " + k.integer("errorCode", -1) + " " + k.string("errorName"));
                }
            }
            ntlmLogons(f, at, HttpChecks.eventsFrom(a, at.client()));
            if (why.isEmpty()) {
                why.add(x.ticketRequest() ? "the ticket exchange did not succeed"
                        : "the client did not ask for a ticket (see http.no-kerberos-attempt)");
            }
            sink.report(f.title("The client fell back to NTLM for " + HttpChecks.site(at))
                    .explanation("The server offered Negotiate (Kerberos preferred), but the client's Negotiate token carries NTLM:"
                            + " " + String.join("; ", why) + ". NTLM works but is weaker, cannot be delegated, and hides the"
                            + " Kerberos problem. Fix the cause and the browser uses Kerberos again.")
                    .fix(HttpChecks.spnFixes(at).toArray(String[]::new))
                    .build());
        }
    }

    /** The NTLM logons among {@code events} (the client's, {@link HttpChecks#eventsFrom}) as the finding's evidence. */
    private static void ntlmLogons(FindingBuilder f, AuthAttempt at, List<EvidenceItem> events) {
        for (EvidenceItem ev : events) {
            if (ev.fields().get("data") instanceof Map<?, ?> d
                    && "NTLM".equalsIgnoreCase(String.valueOf(d.get("AuthenticationPackageName")))) {
                f.file(ev.file(), "event " + ev.fields().get("eventId") + " record " + ev.fields().get("recordId")
                        + ": logon with NTLM from " + at.client());
            }
        }
    }

    /**
     * An HTTPS site: the 401 and the Negotiate token are encrypted, and the site's Security log (an NTLM network logon of
     * the client) says the browser fell back; the ticket exchange in clear says why, or that the ticket was issued and
     * the site could not use it.
     */
    private static org.kerbscope.core.model.Finding https(AuthAttempt at, List<EvidenceItem> logons) {
        FindingBuilder f = new FindingBuilder("http.ntlm-fallback").severity(Severity.WARNING).step(Step.AP_EXCHANGE)
                .attempt(at.index());
        for (long frame : at.step(Step.ANONYMOUS_REQUEST).frames()) {
            f.frame(frame, "TLS ClientHello for " + at.host() + ": the 401 and the Negotiate token that follow are encrypted");
        }
        String why = null;
        for (Event k : at.events()) {
            if ("kerberos".equals(k.protocol()) && "KRB-ERROR".equals(k.string("msgType"))) {
                why = "the KDC refused the ticket for " + at.spn() + " (" + k.string("errorName") + ", frame " + k.frame() + ")";
                f.frame(k.frame(), "KRB-ERROR " + k.integer("errorCode", -1) + " " + k.string("errorName"));
            }
        }
        StepResult ticket = at.step(Step.TICKET);
        if (why == null && ticket != null && ticket.status() == StepStatus.OK && !ticket.frames().isEmpty()) {
            why = "the KDC issued the ticket for " + at.spn() + " (frame " + ticket.frames().get(0) + "), yet the site logged"
                    + " the user on with NTLM: it could not decrypt the ticket (the SPN is registered on another account than"
                    + " the one the site runs as, KRB_AP_ERR_MODIFIED) and the browser tried NTLM next";
        }
        ntlmLogons(f, at, logons);
        List<String> fixes = new ArrayList<>(HttpChecks.spnFixes(at));
        if (ticket != null && ticket.status() == StepStatus.OK) {
            // the account the SPN is on must be the one that decrypts: the pool's identity with kernel-mode authentication
            fixes.add(0, "%windir%\\system32\\inetsrv\\appcmd.exe list config \"Default Web Site\""
                    + " -section:system.webServer/security/authentication/windowsAuthentication");
        }
        return f.title("The client fell back to NTLM for " + HttpChecks.site(at) + " (HTTPS)")
                .explanation("The exchange with the site is encrypted, but its Security log shows the client's network logon"
                        + " with NTLM: " + (why != null ? why : "no ticket exchange for the site was seen") + ". NTLM works"
                        + " but is weaker, cannot be delegated, and hides the Kerberos problem. Fix the cause and the browser"
                        + " uses Kerberos again.")
                .fix(fixes.toArray(String[]::new))
                .build();
    }
}
