package org.kerbscope.ldap;

import java.util.ArrayList;
import java.util.List;

import org.kerbscope.core.flow.FindingBuilder;
import org.kerbscope.core.flow.Flows;
import org.kerbscope.core.model.Analysis;
import org.kerbscope.core.model.AuthAttempt;
import org.kerbscope.core.model.Event;
import org.kerbscope.core.model.Outcome;
import org.kerbscope.core.model.Severity;
import org.kerbscope.core.model.Step;
import org.kerbscope.core.model.StepResult;
import org.kerbscope.core.model.StepStatus;
import org.kerbscope.core.spi.Check;
import org.kerbscope.core.spi.FindingSink;

/**
 * {@code ldap.ntlm-fallback}: the client bound with NTLM (SASL GSS-SPNEGO or NTLM carrying NTLMSSP, or Microsoft's
 * sicily bind) and never with Kerberos. Says why Kerberos was not used when the capture shows it.
 */
public final class NtlmFallbackCheck implements Check {

    @Override
    public void run(Analysis a, FindingSink sink) {
        for (AuthAttempt at : LdapEvents.attempts(a)) {
            if (at.outcome() != Outcome.NTLM_FALLBACK) {
                continue;
            }
            StepResult ap = at.step(Step.AP_EXCHANGE);
            String server = LdapEvents.server(at);
            String spn = LdapEvents.spn(at);
            FindingBuilder f = new FindingBuilder("ldap.ntlm-fallback").severity(Severity.WARNING).step(Step.AP_EXCHANGE)
                    .attempt(at.index());
            if (ap != null && !ap.frames().isEmpty()) {
                f.frame(ap.frames().get(0), ap.note());
            }
            List<String> why = new ArrayList<>();
            for (Event k : at.events()) {
                if ("kerberos".equals(k.protocol()) && "KRB-ERROR".equals(k.string("msgType"))) {
                    why.add("the KDC refused the ticket for " + spn + " (" + k.string("errorName") + ", frame " + k.frame() + ")");
                    f.frame(k.frame(), "KRB-ERROR " + k.integer("errorCode", -1) + " " + k.string("errorName"));
                }
            }
            StepResult tr = at.step(Step.TICKET_REQUEST);
            if (why.isEmpty()) {
                if (Flows.isIpLiteral(at.host()) || at.host() == null) {
                    why.add("the client named the server by its address (" + at.server().address()
                            + "), for which no ldap/ SPN exists, or the capture does not show the name it used");
                } else if (tr != null && tr.status() == StepStatus.OK) {
                    why.add("the client got a ticket for " + spn + " but still chose NTLM (an application that forces"
                            + " NTLM, or a SPNEGO mechanism list without Kerberos)");
                } else {
                    why.add("the client did not ask the KDC for " + spn + " (no TGT, no reachable KDC, or an"
                            + " application that asks for NTLM explicitly)");
                }
            }
            String user = at.user() != null ? at.user() + " " : "";
            sink.report(f.title("The LDAP bind " + (user.isEmpty() ? "" : "of " + user) + "to " + server
                        + " fell back to NTLM")
                    .explanation("Step 7 used NTLM instead of Kerberos: " + String.join("; ", why) + ". NTLM binds"
                            + " work but are weaker, cannot be delegated, are refused where NTLM is restricted, and hide"
                            + " the Kerberos problem. Fix the cause and the client binds with Kerberos again.")
                    .fix("setspn -Q " + spn, "klist get " + spn,
                            "Connect to the directory server by its DNS name (" + server + "), not by an IP address"
                                    + " or an alias without an ldap/ SPN",
                            "klist purge")
                    .build());
        }
    }
}
