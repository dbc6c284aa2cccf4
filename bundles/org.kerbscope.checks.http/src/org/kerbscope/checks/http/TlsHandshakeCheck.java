package org.kerbscope.checks.http;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.kerbscope.core.flow.FindingBuilder;
import org.kerbscope.core.flow.Flows;
import org.kerbscope.core.model.Analysis;
import org.kerbscope.core.model.Event;
import org.kerbscope.core.model.Step;
import org.kerbscope.core.spi.Check;
import org.kerbscope.core.spi.FindingSink;

/**
 * {@code tls.handshake-failed}: a fatal TLS alert sent in clear while shaking hands (RFC 8446 6.2, RFC 5246 7.2.2).
 * The browser never reached the site's 401, so Kerberos never had a chance: one finding per client, server and alert,
 * saying which side refused and what that side checks.
 */
public final class TlsHandshakeCheck implements Check {

    @Override
    public void run(Analysis a, FindingSink sink) {
        Map<String, List<Event>> groups = new LinkedHashMap<>();
        for (Event e : a.events("tls")) {
            // an alert after decrypted application data (read with the key log) ends a connection that worked
            if ("alert".equals(e.string("kind")) && "fatal".equals(e.string("level"))
                    && !Boolean.TRUE.equals(e.fields().get("afterApplicationData"))) {
                groups.computeIfAbsent(e.src().address() + ">" + e.dst().address() + ">" + e.string("description"),
                        k -> new java.util.ArrayList<>()).add(e);
            }
        }
        for (List<Event> alerts : groups.values()) {
            Event e = alerts.get(0);
            int attempt = Flows.attemptOf(a, e.frame());
            boolean fromServer = attempt >= 0 ? e.src().address().equals(a.attempts().get(attempt).server().address())
                    : e.src().port() < e.dst().port();
            String server = fromServer ? e.src().address() : e.dst().address();
            String site = attempt >= 0 && a.attempts().get(attempt).host() != null ? a.attempts().get(attempt).host() : server;
            int code = e.integer("code", -1);
            String alert = e.string("description") + " (" + code + ")";
            FindingBuilder f = new FindingBuilder("tls.handshake-failed").step(Step.CONNECT).attempt(attempt)
                    .title("The TLS handshake with " + site + " failed: the " + (fromServer ? "server" : "client")
                            + " sent " + alert);
            for (Event x : alerts.subList(0, Math.min(alerts.size(), 20))) {
                f.frame(x.frame(), "fatal TLS alert " + x.string("description") + " from " + x.src());
            }
            String why;
            switch (code) {
                case 42, 43, 44, 45, 46, 48 -> {
                    why = fromServer ? "the server refused the client's certificate" : "the client does not accept the"
                            + " site's certificate: its issuer is not trusted, it has expired or been revoked, or it is not"
                            + " for the name the client asked for";
                    f.fix("certutil -verify -urlfetch <site certificate>", "netsh http show sslcert");
                }
                case 112 -> {
                    why = "the server has no certificate for the name the client asked for (the ClientHello's server name):"
                            + " the site's https binding is for another host name";
                    f.fix("netsh http show sslcert", "Get-WebBinding -Protocol https");
                }
                case 49, 116 -> {
                    why = "the server requires a client certificate the client did not give";
                    f.fix("Get-WebConfigurationProperty -Filter system.webServer/security/access -Name sslFlags"
                            + " -PSPath 'IIS:\\Sites\\Default Web Site'");
                }
                case 40, 70, 71 -> {
                    why = "the two sides share no TLS version or cipher suite (an old protocol disabled on one side, or"
                            + " a cipher suite policy)";
                    f.fix("Get-TlsCipherSuite | Format-Table Name", "Get-ChildItem"
                            + " 'HKLM:\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL\\Protocols' -Recurse",
                            "netsh http show sslcert");
                }
                default -> {
                    why = "the " + (fromServer ? "server" : "client") + " ended the handshake";
                    f.fix("netsh http show sslcert");
                }
            }
            sink.report(f.explanation("Step 2: the TCP connection to " + server + " was made, then the TLS handshake failed"
                    + " with the fatal alert " + alert + ": " + why + ". The browser never reached the site's 401, so"
                    + " neither Kerberos nor NTLM was tried.").build());
        }
    }
}
