package org.kerbscope.checks.http;

import org.kerbscope.core.flow.FindingBuilder;
import org.kerbscope.core.flow.Flows;
import org.kerbscope.core.model.Analysis;
import org.kerbscope.core.model.AuthAttempt;
import org.kerbscope.core.model.Event;
import org.kerbscope.core.model.Step;
import org.kerbscope.core.spi.Check;
import org.kerbscope.core.spi.FindingSink;

/**
 * {@code http.no-kerberos-attempt}: the server offered Negotiate, but the client neither asked the KDC for a
 * ticket for the site nor sent a Kerberos token — it decided not to use Kerberos (zone, IP literal, policy). The
 * setting to change depends on the client its User-Agent names ({@link WebClient}).
 */
public final class NoKerberosAttemptCheck implements Check {

    @Override
    public void run(Analysis a, FindingSink sink) {
        java.util.List<org.kerbscope.core.model.EvidenceItem> tickets = a.evidence("tickets");
        for (AuthAttempt at : a.attempts()) {
            HttpChecks.Exchange x = HttpChecks.exchange(a, at);
            Event challenge = x.challenge();
            if (challenge == null || !HttpChecks.offers(challenge, "Negotiate") || x.ticketRequest()
                    || x.kerberosRequest() != null) {
                continue;
            }
            FindingBuilder f = new FindingBuilder("http.no-kerberos-attempt").step(Step.TICKET_REQUEST).attempt(at.index())
                    .frame(challenge.frame(), challenge.integer("status", 401) + " offering " + challenge.list("wwwAuthenticate"));
            Event ntlm = x.ntlmRequest();
            if (ntlm != null) {
                f.frame(ntlm.frame(), "the client answered with NTLM");
            }
            // klist output from the client confirms it: no ticket for the site's SPN in its cache
            String spn = at.spn() != null ? at.spn() : "HTTP/" + HttpChecks.site(at);
            boolean klistSeen = false;
            boolean hasTicket = false;
            for (org.kerbscope.core.model.EvidenceItem t : tickets) {
                if (t.string("server") != null) {
                    klistSeen = true;
                    hasTicket |= Flows.sameSpn(t.string("server"), spn);
                }
            }
            if (klistSeen) {
                f.file(tickets.get(0).file(), hasTicket ? "klist holds a ticket for " + spn
                        : "klist holds no ticket for " + spn + ": the client never got one");
            }
            WebClient client = WebClient.of(HttpChecks.userAgent(at));
            String site = HttpChecks.site(at);
            String why = Flows.isIpLiteral(at.host()) ? "the client addressed the site by IP address, so it has no SPN to ask for"
                    : (client.family() == WebClient.Family.OTHER ? "typical causes: " : "") + client.whyNoKerberos(site);
            sink.report(f.title("The client never tried Kerberos for " + site)
                    .explanation("Step 5 is missing: the server offered Negotiate, but no TGS-REQ for HTTP/" + site
                            + " and no Kerberos token followed — " + why + ".")
                    .fix(client.fixes(site, HttpChecks.url(at)).toArray(String[]::new))
                    .build());
        }
    }
}
