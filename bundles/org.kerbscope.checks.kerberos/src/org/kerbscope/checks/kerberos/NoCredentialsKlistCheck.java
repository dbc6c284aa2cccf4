package org.kerbscope.checks.kerberos;

import java.util.ArrayList;
import java.util.List;

import org.kerbscope.core.flow.FindingBuilder;
import org.kerbscope.core.model.Analysis;
import org.kerbscope.core.model.EvidenceItem;
import org.kerbscope.core.model.Step;
import org.kerbscope.core.spi.Check;
import org.kerbscope.core.spi.FindingSink;

/**
 * {@code kerberos.no-credentials}: MIT or Heimdal {@code klist} says the client has no ticket cache ("klist: No
 * credentials cache found"), or its only ticket-granting tickets have expired. Such a client (curl --negotiate, a
 * Java or Python client on Linux or macOS) cannot ask for a service ticket, so Negotiate falls back to NTLM or fails.
 * Windows gets a TGT at logon and again on demand, so its empty "Cached Tickets: (0)" is not reported.
 */
public final class NoCredentialsKlistCheck implements Check {

    @Override
    public void run(Analysis a, FindingSink sink) {
        List<EvidenceItem> none = new ArrayList<>();
        List<EvidenceItem> tgts = new ArrayList<>();
        boolean liveTgt = false;
        for (EvidenceItem ev : a.evidence("tickets")) {
            Object error = ev.fields().get("error");
            String e = error == null ? "" : error.toString();
            if (e.contains("No credentials cache") || e.contains("No ticket file") || e.contains("not found")) {
                none.add(ev);
            }
            Object server = ev.fields().get("server");
            if (server != null && server.toString().startsWith("krbtgt/")) {
                if (Boolean.TRUE.equals(ev.fields().get("expired"))) {
                    tgts.add(ev);
                } else {
                    liveTgt = true;
                }
            }
        }
        if (!none.isEmpty()) {
            FindingBuilder f = new FindingBuilder("kerberos.no-credentials").step(Step.TICKET_REQUEST);
            for (EvidenceItem ev : none) {
                f.file(ev.file(), "klist: " + ev.fields().get("error"));
            }
            sink.report(f.title("The client has no Kerberos tickets (no credentials cache)")
                    .explanation("klist found no ticket cache: nobody ran kinit in this session (or the client looks in"
                            + " another cache, KRB5CCNAME). Without a ticket-granting ticket the client cannot ask the KDC"
                            + " for a service ticket, so a Negotiate request sends NTLM or nothing and the server answers"
                            + " 401 again.")
                    .fix("kinit user@REALM", "klist", "echo $KRB5CCNAME", "curl --negotiate -u : <url>")
                    .build());
        }
        if (!tgts.isEmpty() && !liveTgt) {
            FindingBuilder f = new FindingBuilder("kerberos.no-credentials").step(Step.TICKET_REQUEST);
            for (EvidenceItem ev : tgts) {
                f.file(ev.file(), ev.fields().get("server") + " expired (started " + ev.fields().get("start") + ")");
            }
            sink.report(f.title("The client's ticket-granting ticket has expired")
                    .explanation("klist lists a ticket-granting ticket marked as expired and no valid one: the client"
                            + " can no longer ask for service tickets until it gets a new TGT (kinit, or kinit -R while it"
                            + " is still renewable).")
                    .fix("kinit -R", "kinit user@REALM", "klist")
                    .build());
        }
    }
}
