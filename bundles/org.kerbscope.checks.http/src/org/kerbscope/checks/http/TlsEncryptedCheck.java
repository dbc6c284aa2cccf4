package org.kerbscope.checks.http;

import java.util.ArrayList;
import java.util.List;

import org.kerbscope.core.flow.FindingBuilder;
import org.kerbscope.core.model.Analysis;
import org.kerbscope.core.model.AuthAttempt;
import org.kerbscope.core.model.Outcome;
import org.kerbscope.core.model.Severity;
import org.kerbscope.core.model.Step;
import org.kerbscope.core.model.StepResult;
import org.kerbscope.core.spi.Check;
import org.kerbscope.core.spi.FindingSink;

/**
 * {@code http.tls-encrypted}: an HTTPS attempt whose ticket was issued, where everything after it is encrypted, so the
 * capture alone cannot say whether the site accepted it. Says where the rest of the answer is: the site's Security log,
 * or a capture whose TLS keys were logged.
 */
public final class TlsEncryptedCheck implements Check {

    @Override
    public void run(Analysis a, FindingSink sink) {
        for (AuthAttempt at : a.attempts()) {
            if (at.outcome() != Outcome.INCOMPLETE || at.step(Step.AP_EXCHANGE) == null || !at.step(Step.AP_EXCHANGE).encrypted()) {
                continue;
            }
            List<Long> frames = new ArrayList<>();
            for (StepResult s : at.steps()) {
                if (s.encrypted()) {
                    frames.addAll(s.frames());
                }
            }
            String server = at.host() != null ? at.host() : at.server().address();
            FindingBuilder f = new FindingBuilder("http.tls-encrypted").severity(Severity.INFO).step(Step.AP_EXCHANGE)
                    .attempt(at.index())
                    .title("HTTPS to " + server + ": the ticket was issued, whether the site accepted it is encrypted")
                    .explanation("Steps 3, 4, 7 and 8 (the anonymous request, the 401, the Authorization header with the"
                            + " Kerberos AP-REQ and the answer) travel inside TLS; the capture shows the name resolution,"
                            + " the connection and the ticket for " + (at.spn() != null ? at.spn() : "the site") + ". The"
                            + " site's Security log says whether the logon succeeded (4624 with Kerberos, or 4625 and its"
                            + " status; give it with --events), or record again with the browser logging its TLS keys"
                            + " (SSLKEYLOGFILE, read by Chrome, Edge and Firefox) and give that key log with --tls-keylog"
                            + " (in the workbench: Preferences > Kerbscope > TLS key logs): the whole exchange is then read"
                            + " as in clear." + (http2Only(a, at) ? " Every connection to the site chose HTTP/2 (the"
                                    + " ServerHello's ALPN h2): a Windows site declines Negotiate over HTTP/2 (it resets"
                                    + " the request with HTTP_1_1_REQUIRED), and a client that does not ask again over"
                                    + " HTTP/1.1 never logs on; the key log shows which happened." : ""))
                    .fix("Get-WinEvent -ComputerName " + server + " -FilterHashtable @{LogName='Security';Id=4624,4625}"
                            + " -MaxEvents 20", "setx SSLKEYLOGFILE \"%USERPROFILE%\\tls-keys.log\"");
            for (long frame : frames) {
                f.frame(frame, "TLS ClientHello: the HTTP exchange that follows is encrypted");
            }
            sink.report(f.build());
        }
    }

    /**
     * Whether the server chose HTTP/2 (ALPN h2) on every connection the client opened to the site (its ClientHellos
     * naming the site). TLS 1.2 says so in the ServerHello; TLS 1.3 only inside the encryption, so a TLS 1.3
     * connection never counts as HTTP/2 here. The hellos are filed once per analysis (a web farm's capture holds a
     * hello for each of its many connections).
     */
    static boolean http2Only(Analysis a, AuthAttempt at) {
        if (at.host() == null) {
            return false;
        }
        Hellos h = a.index("http.tlsHellosBySite", () -> {
            Hellos x = new Hellos(new java.util.HashMap<>(), new java.util.HashSet<>());
            for (org.kerbscope.core.model.Event e : a.events("tls")) {
                if ("clientHello".equals(e.string("kind")) && e.string("sni") != null) {
                    x.connections().computeIfAbsent(e.src().address() + ">" + e.dst() + ">"
                            + e.string("sni").toLowerCase(java.util.Locale.ROOT), k -> new ArrayList<>())
                            .add(e.src() + ">" + e.dst());
                } else if ("serverHello".equals(e.string("kind")) && e.list("alpn").contains("h2")) {
                    x.http2().add(e.dst() + ">" + e.src());
                }
            }
            return x;
        });
        List<String> connections = h.connections().getOrDefault(at.client() + ">" + at.server() + ">"
                + at.host().toLowerCase(java.util.Locale.ROOT), List.of());
        return !connections.isEmpty() && h.http2().containsAll(connections);
    }

    /** Each client → server → site's connections (client>server), and the connections whose server chose h2. */
    private record Hellos(java.util.Map<String, List<String>> connections, java.util.Set<String> http2) {
    }
}
