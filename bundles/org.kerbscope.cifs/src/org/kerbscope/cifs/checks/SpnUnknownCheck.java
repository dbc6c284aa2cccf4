package org.kerbscope.cifs.checks;

import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

import org.kerbscope.cifs.internal.SmbSessions.Exchange;
import org.kerbscope.core.flow.FindingBuilder;
import org.kerbscope.core.flow.Flows;
import org.kerbscope.core.model.Analysis;
import org.kerbscope.core.model.AuthAttempt;
import org.kerbscope.core.model.Event;
import org.kerbscope.core.model.Severity;
import org.kerbscope.core.model.Step;
import org.kerbscope.core.spi.Check;
import org.kerbscope.core.spi.FindingSink;

/**
 * {@code smb2.spn-unknown}: the client asked the KDC for a {@code cifs/} ticket for the file server it then
 * talked SMB to, and the KDC answered KDC_ERR_S_PRINCIPAL_UNKNOWN (7).
 */
public final class SpnUnknownCheck implements Check {

    @Override
    public void run(Analysis a, FindingSink sink) {
        for (AuthAttempt at : CifsChecks.attempts(a)) {
            long last = 0;
            for (Event e : at.events()) {
                last = Math.max(last, e.frame());
            }
            Set<String> reported = new LinkedHashSet<>();
            for (Event err : Flows.kerberosOf(a, at.client())) {
                if (err.frame() > last || !"KRB-ERROR".equals(err.string("msgType")) || err.integer("errorCode", -1) != 7
                        || !at.client().equals(err.dst().address())) {
                    continue;
                }
                Event req = request(a, err);
                String sname = req != null && req.string("sname") != null ? req.string("sname") : err.string("sname");
                if (sname == null || !sname.toLowerCase(Locale.ROOT).startsWith("cifs/")) {
                    continue;
                }
                String host = sname.substring(sname.indexOf('/') + 1);
                if (at.host() != null && !Flows.sameSpn(sname, "cifs/" + at.host()) && !Flows.sameSpn(sname, at.spn())) {
                    continue;
                }
                if (!reported.add(sname.toLowerCase(Locale.ROOT))) {
                    continue;
                }
                String realm = err.string("realm") != null ? err.string("realm") : req != null ? req.string("realm") : null;
                FindingBuilder f = new FindingBuilder("smb2.spn-unknown").severity(Severity.ERROR).step(Step.TICKET)
                        .attempt(at.index());
                if (req != null) {
                    f.frame(req.frame(), "TGS-REQ for " + sname);
                }
                f.frame(err.frame(), "KRB-ERROR 7 KDC_ERR_S_PRINCIPAL_UNKNOWN");
                String then = consequence(at);
                String account = Flows.netbiosDomain(realm) + "\\" + Flows.computerAccount(host);
                sink.report(f.title("The KDC does not know " + sname + ": no Kerberos ticket for the file server")
                        .explanation("Step 6 failed: the client asked for a ticket for " + sname + " before opening the share,"
                                + " and the KDC answered KDC_ERR_S_PRINCIPAL_UNKNOWN. Active Directory serves cifs/ through the"
                                + " HOST/ SPN of the computer account (sPNMappings), so no account in " + realm + " has HOST/"
                                + host + " or cifs/" + host + ": typically the share was opened by an alias (a CNAME or an"
                                + " extra DNS name) that was never added to the server, or the server is not domain-joined. "
                                + then)
                        .fix("setspn -Q " + sname, "setspn -Q HOST/" + host,
                                "setspn -S HOST/" + host + " " + account + "   (or netdom computername <server> /add:" + host + ")",
                                "klist purge")
                        .build());
            }
        }
    }

    private static String consequence(AuthAttempt at) {
        for (Exchange x : CifsChecks.exchanges(at)) {
            if ("ntlm".equals(x.auth())) {
                return "The client then fell back to NTLM for the SESSION_SETUP.";
            }
        }
        return "Without a ticket the client cannot use Kerberos with this server.";
    }

    /** The TGS-REQ a KRB-ERROR answers: the last request from the client to that KDC before it. */
    private static Event request(Analysis a, Event err) {
        return Flows.requestBefore(a, err.src().address(), err.dst().address(), err.frame() - 1, true);
    }
}
