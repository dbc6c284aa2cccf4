package org.kerbscope.cifs.checks;

import java.util.ArrayList;
import java.util.List;

import org.kerbscope.cifs.internal.SmbSessions.Exchange;
import org.kerbscope.core.flow.FindingBuilder;
import org.kerbscope.core.flow.Flows;
import org.kerbscope.core.model.Analysis;
import org.kerbscope.core.model.AuthAttempt;
import org.kerbscope.core.model.Event;
import org.kerbscope.core.model.Severity;
import org.kerbscope.core.model.Step;
import org.kerbscope.core.model.StepResult;
import org.kerbscope.core.model.StepStatus;
import org.kerbscope.core.spi.Check;
import org.kerbscope.core.spi.FindingSink;

/**
 * {@code smb2.ntlm-fallback}: the server's NEGOTIATE response offered Kerberos, and the client's SESSION_SETUP
 * carried NTLMSSP. The reason is looked for in the ticket steps (a KRB-ERROR, no TGS-REQ, an IP address).
 */
public final class NtlmFallbackCheck implements Check {

    @Override
    public void run(Analysis a, FindingSink sink) {
        for (AuthAttempt at : CifsChecks.attempts(a)) {
            Exchange fell = null;
            for (Exchange x : CifsChecks.exchanges(at)) {
                if ("ntlm".equals(x.auth()) && x.kerberosOffered()) {
                    fell = x;
                    break;
                }
            }
            if (fell == null) {
                continue;
            }
            String server = CifsChecks.server(at);
            String spn = at.spn() != null ? at.spn() : "cifs/" + server;
            Event ntlm = fell.legWith("ntlm");
            FindingBuilder f = new FindingBuilder("smb2.ntlm-fallback").severity(Severity.WARNING).step(Step.AP_EXCHANGE)
                    .attempt(at.index())
                    .frame(fell.negotiateResponse().frame(), "NEGOTIATE response offering " + String.join(", ", fell.offered()))
                    .frame(ntlm.frame(), "SESSION_SETUP carrying NTLMSSP instead of a Kerberos AP-REQ");
            List<String> why = new ArrayList<>();
            for (Event k : at.events()) {
                if ("kerberos".equals(k.protocol()) && "KRB-ERROR".equals(k.string("msgType"))) {
                    why.add("the KDC refused the ticket for " + spn + " (" + k.string("errorName") + ", frame " + k.frame() + ")");
                    f.frame(k.frame(), "KRB-ERROR " + k.integer("errorCode", -1) + " " + k.string("errorName"));
                }
            }
            String account = CifsChecks.account(a, at, fell);
            if (why.isEmpty()) {
                StepResult req = at.step(Step.TICKET_REQUEST);
                if (Flows.isIpLiteral(at.host())) {
                    why.add("the client opened the share by IP address (" + at.host() + "), and Windows only asks for"
                            + " a Kerberos ticket for a name");
                } else if (req != null && req.status() == StepStatus.NOT_SEEN) {
                    why.add("the client did not ask the KDC for " + spn + ": the name used is not the server's (an alias"
                            + " with no SPN), the account " + (account != null ? account + " " : "")
                            + "is a local or workgroup account, or the client cannot reach a domain controller");
                } else {
                    why.add("the ticket exchange for " + spn + " did not succeed");
                }
            }
            CifsChecks.securityEvents(a, at, f, 4624);
            sink.report(f.title("The client fell back to NTLM for " + CifsChecks.unc(at, fell))
                    .explanation("The file server offered Kerberos in its NEGOTIATE response, but the SESSION_SETUP of "
                            + (account != null ? account : "the client") + " carries NTLM: " + String.join("; ", why)
                            + ". NTLM works but is weaker, cannot be delegated, and hides the Kerberos problem; klist on the"
                            + " client shows no cifs/ ticket for the server.")
                    .fix("setspn -Q " + spn, "klist get " + spn, "klist purge",
                            "net use \\\\" + server + "\\<share>   (the server's DNS name, not its address)")
                    .build());
        }
    }
}
