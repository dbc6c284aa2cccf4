package org.kerbscope.checks.http;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.kerbscope.core.flow.FindingBuilder;
import org.kerbscope.core.model.Analysis;
import org.kerbscope.core.model.AuthAttempt;
import org.kerbscope.core.model.EvidenceItem;
import org.kerbscope.core.model.Event;
import org.kerbscope.core.model.Severity;
import org.kerbscope.core.model.Step;
import org.kerbscope.core.spi.Check;
import org.kerbscope.core.spi.FindingSink;

/**
 * {@code http.ntlm-fallback}: the server offered Negotiate and the client answered with NTLM. A 4624 with package
 * NTLM for the same client confirms it from the server's side.
 */
public final class NtlmFallbackCheck implements Check {

    @Override
    public void run(Analysis a, FindingSink sink) {
        List<EvidenceItem> logons = a.evidence("events");
        for (AuthAttempt at : a.attempts()) {
            HttpChecks.Exchange x = HttpChecks.exchange(a, at);
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
            for (EvidenceItem ev : logons) {
                if (ev.fields().get("data") instanceof Map<?, ?> d && "NTLM".equalsIgnoreCase(String.valueOf(d.get("AuthenticationPackageName")))
                        && at.client().equals(EvidenceItem.address(d.get("IpAddress")))) {
                    f.file(ev.file(), "event " + ev.fields().get("eventId") + " record " + ev.fields().get("recordId")
                            + ": logon with NTLM from " + at.client());
                }
            }
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
}
