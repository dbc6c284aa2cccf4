package org.kerbscope.ldap;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.kerbscope.core.flow.FindingBuilder;
import org.kerbscope.core.model.Analysis;
import org.kerbscope.core.model.AuthAttempt;
import org.kerbscope.core.model.Event;
import org.kerbscope.core.model.Severity;
import org.kerbscope.core.model.Step;
import org.kerbscope.core.spi.Check;
import org.kerbscope.core.spi.FindingSink;

/**
 * {@code ldap.simple-bind-cleartext}: a simple bind with a password that the capture could read — so it crossed
 * the network without TLS (a bind inside LDAPS or after StartTLS would not be readable at all).
 */
public final class SimpleBindCleartextCheck implements Check {

    @Override
    public void run(Analysis a, FindingSink sink) {
        for (AuthAttempt at : LdapEvents.attempts(a)) {
            // one finding per account: every bind that exposed its password is evidence
            Map<String, List<Event>> byName = new LinkedHashMap<>();
            for (Event b : LdapEvents.ops(at, "bindRequest")) {
                if (LdapEvents.simpleWithCredentials(b)) {
                    byName.computeIfAbsent(b.string("bindName") != null ? b.string("bindName") : "an empty name",
                            k -> new ArrayList<>()).add(b);
                }
            }
            for (Map.Entry<String, List<Event>> e : byName.entrySet()) {
                String name = e.getKey();
                String server = LdapEvents.server(at);
                FindingBuilder f = new FindingBuilder("ldap.simple-bind-cleartext").severity(Severity.WARNING)
                        .step(Step.AP_EXCHANGE).attempt(at.index());
                for (Event b : e.getValue()) {
                    f.frame(b.frame(), "simple bind as " + name + " with a password, no TLS");
                }
                sink.report(f.title("The password of " + name + " crossed the network in clear text (simple bind to "
                                + server + ":" + at.server().port() + ")")
                        .explanation("The client bound with LDAP simple authentication on port " + at.server().port()
                                + " without TLS" + (e.getValue().size() > 1 ? " (" + e.getValue().size() + " times)" : "")
                                + ": anyone on the path can read the password, as this capture does. No"
                                + " Kerberos is involved. Bind with Kerberos (SASL GSS-SPNEGO) or run the simple bind"
                                + " inside LDAPS (636) or StartTLS; domain controllers that require LDAP signing refuse"
                                + " such binds.")
                        .fix("Change the password of " + name + ": treat it as disclosed",
                                "Configure the application to bind with Kerberos (SASL GSS-SPNEGO) or to ldaps://"
                                        + server + ":636",
                                "Get-WinEvent -ComputerName " + server + " -LogName 'Directory Service' -FilterXPath"
                                        + " '*[System[EventID=2887 or EventID=2889]]' -MaxEvents 50")
                        .build());
            }
        }
    }
}
