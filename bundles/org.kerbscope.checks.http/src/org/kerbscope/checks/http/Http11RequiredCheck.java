package org.kerbscope.checks.http;

import org.kerbscope.core.flow.FindingBuilder;
import org.kerbscope.core.model.Analysis;
import org.kerbscope.core.model.AuthAttempt;
import org.kerbscope.core.model.Severity;
import org.kerbscope.core.model.Step;
import org.kerbscope.core.model.StepResult;
import org.kerbscope.core.model.StepStatus;
import org.kerbscope.core.spi.Check;
import org.kerbscope.core.spi.FindingSink;

/**
 * {@code http.http11-required}: the client sent its credentials (a Kerberos AP-REQ, or NTLM) over HTTP/2 and the server
 * reset the stream with {@code HTTP_1_1_REQUIRED} (RFC 9113 7): HTTP.sys does not offer Windows authentication
 * (Negotiate, NTLM) over HTTP/2 and asks for HTTP/1.1 instead. Browsers ask again on a new HTTP/1.1 connection (the attempt then goes on
 * there, and its AP exchange says so); a client that does not (an HTTP library pinned to HTTP/2) never gets in. Seen
 * only in HTTPS read with the TLS key log, since HTTP/2 is negotiated inside TLS.
 */
public final class Http11RequiredCheck implements Check {

    @Override
    public void run(Analysis a, FindingSink sink) {
        for (AuthAttempt at : a.attempts()) {
            StepResult ap = at.step(Step.AP_EXCHANGE);
            if (ap == null || ap.status() != StepStatus.FAILED || !HttpService.HTTP11_REQUIRED_NOTE.equals(ap.note())
                    || ap.frames().size() < 2) {
                continue;
            }
            String site = at.host() != null ? at.host() : at.server().address();
            sink.report(new FindingBuilder("http.http11-required").severity(Severity.ERROR).step(Step.AP_EXCHANGE)
                    .attempt(at.index())
                    .frame(ap.frames().get(0), "the request with its Authorization header, over HTTP/2")
                    .frame(ap.frames().get(1), refusal(a, ap.frames().get(1)) + " HTTP_1_1_REQUIRED from " + at.server())
                    .title("The server refused Windows authentication over HTTP/2 (HTTP_1_1_REQUIRED) and the client"
                            + " did not retry over HTTP/1.1")
                    .explanation("Step 7: the client's credentials for " + site + " went over HTTP/2 and the server reset the"
                            + " stream with HTTP_1_1_REQUIRED: Windows' HTTP.sys does not offer Windows authentication"
                            + " (Negotiate and NTLM) over HTTP/2 and asks the client to repeat the request over HTTP/1.1."
                            + " Browsers do so on a new connection; this client did not, so its credentials (the Kerberos"
                            + " ticket it got, or NTLM) were never used. Either the client allows HTTP/1.1 for this site (an HTTP library told to use HTTP/2"
                            + " only, e.g. .NET's HttpVersionPolicy.RequestVersionExact), or the server stops offering"
                            + " HTTP/2 over TLS for it.")
                    .fix("reg add HKLM\\SYSTEM\\CurrentControlSet\\Services\\HTTP\\Parameters /v EnableHttp2Tls"
                            + " /t REG_DWORD /d 0 /f   # on the server, then restart it",
                            "netsh http show sslcert   # the site's TLS binding")
                    .build());
        }
    }

    /** How the server refused in that frame: a stream reset, or the connection's GOAWAY. */
    private static String refusal(Analysis a, long frame) {
        for (org.kerbscope.core.model.Event e : a.events("http2")) {
            if (e.frame() == frame && "goaway".equals(e.string("kind"))) {
                return "GOAWAY";
            }
        }
        return "RST_STREAM";
    }
}
