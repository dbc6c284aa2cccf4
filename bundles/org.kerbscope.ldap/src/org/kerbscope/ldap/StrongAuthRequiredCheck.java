package org.kerbscope.ldap;

import java.util.Locale;

import org.kerbscope.core.flow.FindingBuilder;
import org.kerbscope.core.model.Analysis;
import org.kerbscope.core.model.AuthAttempt;
import org.kerbscope.core.model.Event;
import org.kerbscope.core.model.Step;
import org.kerbscope.core.spi.Check;
import org.kerbscope.core.spi.FindingSink;

/**
 * {@code ldap.strong-auth-required}: the server refused a bind because it requires signing — resultCode
 * strongerAuthRequired (8), or Active Directory's "requires binds to turn on integrity checking" on a simple or
 * unsigned bind (the "LDAP server signing requirements" policy, and since 2024 the default on new domain
 * controllers).
 */
public final class StrongAuthRequiredCheck implements Check {

    @Override
    public void run(Analysis a, FindingSink sink) {
        for (AuthAttempt at : LdapEvents.attempts(a)) {
            for (Event r : LdapEvents.ops(at, "bindResponse")) {
                if (!refusedForSigning(r)) {
                    continue;
                }
                Event req = LdapEvents.requestFor(at, r);
                String user = LdapEvents.user(a, at, req);
                String server = LdapEvents.server(at);
                boolean simple = req != null && "simple".equals(req.string("authChoice"));
                FindingBuilder f = new FindingBuilder("ldap.strong-auth-required").step(Step.AUTHORIZED)
                        .attempt(at.index());
                if (req != null) {
                    f.frame(req.frame(), (simple ? "simple bind" : "bind") + (user != null ? " as " + user : "")
                            + " without signing");
                }
                f.frame(r.frame(), "bindResponse " + r.string("resultName") + " (" + r.integer("resultCode", -1) + ")"
                        + (r.string("diagnosticMessage") != null ? ": " + r.string("diagnosticMessage") : ""));
                sink.report(f.title("The directory server " + server + " requires LDAP signing and refused the "
                        + (simple ? "simple " : "unsigned ") + "bind" + (user != null ? " of " + user : ""))
                    .explanation("Step 8 failed: the server answered " + r.string("resultName") + " ("
                            + r.integer("resultCode", -1) + "): it only accepts binds that sign the LDAP traffic (SASL"
                            + " with integrity) or run inside TLS. A simple bind on port " + at.server().port()
                            + " sends the password in clear text and is refused, as is a SASL bind that does not"
                            + " negotiate signing. The client must bind with Kerberos (GSS-SPNEGO/GSSAPI) and request"
                            + " signing, or use LDAPS (636) or StartTLS.")
                    .fix("Configure the application to bind with Negotiate/Kerberos and signing (Windows: ldap_bind with"
                                    + " LDAP_AUTH_NEGOTIATE and LDAP_OPT_SIGN) or over LDAPS: ldaps://" + server + ":636",
                            "reg query HKLM\\SYSTEM\\CurrentControlSet\\Services\\NTDS\\Parameters /v LDAPServerIntegrity",
                            "reg add HKLM\\SYSTEM\\CurrentControlSet\\Services\\NTDS\\Diagnostics /v \"16 LDAP Interface"
                                    + " Events\" /t REG_DWORD /d 2",
                            "Get-WinEvent -ComputerName " + server + " -LogName 'Directory Service' -FilterXPath"
                                    + " '*[System[EventID=2889]]' -MaxEvents 50")
                    .build());
            }
        }
    }

    static boolean refusedForSigning(Event r) {
        int rc = r.integer("resultCode", -1);
        if (rc == 8) {
            return true;
        }
        String d = r.string("diagnosticMessage");
        if (d == null || rc == 0 || rc == 14) {
            return false;
        }
        String l = d.toLowerCase(Locale.ROOT);
        return l.startsWith("00002028") || l.contains("integrity checking");
    }
}
