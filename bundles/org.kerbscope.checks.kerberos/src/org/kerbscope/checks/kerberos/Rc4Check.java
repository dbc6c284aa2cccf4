package org.kerbscope.checks.kerberos;

import java.util.Map;

import org.kerbscope.core.flow.FindingBuilder;
import org.kerbscope.core.flow.Flows;
import org.kerbscope.core.model.Analysis;
import org.kerbscope.core.model.EvidenceItem;
import org.kerbscope.core.model.Event;
import org.kerbscope.core.model.Severity;
import org.kerbscope.core.model.Step;
import org.kerbscope.core.spi.Check;
import org.kerbscope.core.spi.FindingSink;

/**
 * {@code kerberos.rc4-in-use}: a ticket or session key of etype 23 (RC4-HMAC) on the wire, in klist output or in
 * 4769 events with TicketEncryptionType 0x17.
 */
public final class Rc4Check implements Check {

    /** The messages carrying an RC4 ticket: they depend on the messages alone, so they are found once. */
    private static java.util.List<Event> rc4Tickets(Analysis a) {
        return a.index("kerberos.rc4Tickets", () -> {
            java.util.List<Event> out = new java.util.ArrayList<>();
            for (Event e : a.events("kerberos")) {
                String t = e.string("msgType");
                if (("TGS-REP".equals(t) || "AS-REP".equals(t) || "AP-REQ".equals(t))
                        && e.fields().get("ticket") instanceof Map<?, ?> ticket && Integer.valueOf(23).equals(ticket.get("etype"))) {
                    out.add(e);
                }
            }
            return out;
        });
    }

    @Override
    public void run(Analysis a, FindingSink sink) {
        FindingBuilder f = new FindingBuilder("kerberos.rc4-in-use").severity(Severity.WARNING).step(Step.TICKET);
        int n = 0;
        for (Event e : rc4Tickets(a)) {
            if (n++ < 20) {
                f.frame(e.frame(), e.string("msgType") + ": ticket for " + e.string("sname") + " encrypted with RC4-HMAC (23)");
            }
            if (f.attemptIndex() < 0) {
                f.attempt(Flows.attemptOf(a, e.frame()));
            }
        }
        for (EvidenceItem ev : a.evidence("tickets")) {
            String etype = ev.string("etype");
            if (etype != null && etype.toUpperCase().contains("RC4")) {
                f.file(ev.file(), "klist: ticket for " + ev.string("server") + " uses " + etype);
                n++;
            }
        }
        for (EvidenceItem ev : EventFields.events(a, 4768, 4769, 4770)) {
            if (ev.fields().get("data") instanceof Map<?, ?> d && EventStatusCheck.sameCode("0x17", d.get("TicketEncryptionType"))) {
                if (n++ < 40) {
                    f.file(ev.file(), "event " + ev.fields().get("eventId") + " record " + ev.fields().get("recordId")
                            + ": " + d.get("TargetUserName") + " → " + d.get("ServiceName") + " with RC4 (0x17)");
                }
            }
        }
        if (n == 0) {
            return;
        }
        sink.report(f.title("Kerberos tickets are encrypted with RC4-HMAC (" + n + (n == 1 ? " time)" : " times)"))
                .explanation("RC4-HMAC (etype 23) is weak (tickets encrypted with it can be cracked offline — Kerberoasting) and is"
                        + " being removed from Windows. A KDC only uses it when the account has no AES keys or its"
                        + " msDS-SupportedEncryptionTypes excludes AES. Enable AES on the service account and reset its password.")
                .fix("Get-ADObject -Filter \"servicePrincipalName -like '*'\" -Properties msDS-SupportedEncryptionTypes",
                        "Set-ADUser <service-account> -KerberosEncryptionType AES128,AES256", "klist purge")
                .build());
    }
}
