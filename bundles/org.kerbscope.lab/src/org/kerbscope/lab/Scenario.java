package org.kerbscope.lab;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import org.kerbscope.core.model.Outcome;
import org.kerbscope.core.model.Step;

/**
 * The lab's scenarios: the guide's flow working, and the ways it breaks that support engineers meet. Each names
 * what really happens on the wire with Apache Kerby as the KDC, which is not Active Directory: where Kerby's
 * answer differs from a domain controller's, the story says both.
 *
 * <p>For the later checks each scenario also says what an analysis of its capture should conclude: the outcome of
 * the attempt, the step that failed, and the finding ids (from ANALYSIS-JSON) that must be raised. The client's
 * own verdict ({@link #clientResult()}) is what the lab asserts when it runs the scenario.
 */
public enum Scenario {

    SUCCESS_UDP("success-udp",
            "John opens http://iisserver.contoso.com/; DNS gives 192.168.2.104, the site answers 401 offering Negotiate and NTLM, "
                    + "the KDC issues a ticket for HTTP/iisserver.contoso.com over UDP, and the site accepts it: 200 with the "
                    + "mutual-authentication AP-REP in WWW-Authenticate and Persistent-Auth: true.",
            Lab.Setup.standard(), "kerberos", Outcome.KERBEROS, null, List.of(),
            "kerberos.msg_type == 15"),
    SUCCESS_TCP("success-tcp",
            "The same working flow with the client talking to the KDC over TCP port 88 (udp_preference_limit = 1).",
            Lab.Setup.standard().kdcOverTcp(true), "kerberos", Outcome.KERBEROS, null, List.of(),
            "tcp.dstport == 88 && kerberos.msg_type == 12"),
    SPN_UNKNOWN("spn-unknown",
            "John opens http://intranet.contoso.com/, a second name of IISServer with no SPN registered: the KDC answers the "
                    + "TGS-REQ for HTTP/intranet.contoso.com with KRB-ERROR 7 KDC_ERR_S_PRINCIPAL_UNKNOWN (the JDK asks twice, "
                    + "with and without name canonicalization); NTLM is not allowed on this client, so the page stays at 401.",
            Lab.Setup.standard().site("http://intranet.contoso.com/").ntlmFallback(false), "unauthorized", Outcome.FAILED,
            Step.TICKET, List.of("kerberos.spn-unknown"),
            "kerberos.error_code == 7"),
    STALE_KEYTAB("stale-keytab",
            "IISServer's keytab predates a password reset: the KDC issues the ticket with key version 2, the site holds only "
                    + "version 1, cannot decrypt the ticket and answers 401 again to the Kerberos AP-REQ.",
            Lab.Setup.standard().staleServerKeytab(true).ntlmFallback(false), "kerberos-rejected", Outcome.FAILED,
            Step.AP_EXCHANGE, List.of("kerberos.service-key-mismatch", "http.auth-rejected"),
            "http.authorization && kerberos.msg_type == 14 && kerberos.kvno == 2"),
    SERVER_CLOCK_SKEW("server-clock-skew",
            "IISServer's clock runs 10 minutes ahead (libfaketime): the ticket is fine but the site rejects the authenticator "
                    + "as KRB_AP_ERR_SKEW (37) and answers 401 again; its HTTP Date header shows the skew against the capture clock.",
            Lab.Setup.standard().serverClock("+10m").ntlmFallback(false), "kerberos-rejected", Outcome.FAILED,
            Step.AP_EXCHANGE, List.of("kerberos.clock-skew", "http.auth-rejected"),
            "http.authorization && kerberos.msg_type == 14"),
    NTLM_ONLY("ntlm-only",
            "The site offers only NTLM (Negotiate removed from IIS's providers): the 401 carries WWW-Authenticate: NTLM alone, "
                    + "no ticket is asked for, and John gets in with NTLMv2.",
            Lab.Setup.standard().serverAuth("ntlm"), "ntlm", Outcome.NTLM_FALLBACK, Step.CHALLENGE, List.of("http.ntlm-only"),
            "ntlmssp.messagetype == 3"),
    WRONG_PASSWORD("wrong-password",
            "John types an old password: the AS-REQ's encrypted timestamp does not decrypt, and Kerby answers KRB-ERROR 31 "
                    + "(KRB_AP_ERR_BAD_INTEGRITY, e-text PREAUTH_FAILED) where an Active Directory KDC answers 24 "
                    + "KDC_ERR_PREAUTH_FAILED; without a TGT the browser cannot answer Negotiate, may not use NTLM, and stays at 401.",
            Lab.Setup.standard().client(Lab.USER, Lab.WRONG_PASSWORD).ntlmFallback(false), "unauthorized", Outcome.FAILED,
            Step.TICKET_REQUEST, List.of("kerberos.preauth-failed", "http.no-kerberos-attempt"),
            "kerberos.error_code == 31 || kerberos.error_code == 24"),
    NTLM_FALLBACK("ntlm-fallback",
            "As spn-unknown (no SPN for intranet.contoso.com, KRB-ERROR 7), but the client may fall back: Negotiate carries "
                    + "raw NTLMSSP (Authorization: Negotiate TlRMTVNTUAAB...) and John gets in with NTLM, silently.",
            Lab.Setup.standard().site("http://intranet.contoso.com/"), "ntlm-fallback", Outcome.NTLM_FALLBACK, Step.TICKET,
            List.of("kerberos.spn-unknown", "http.ntlm-fallback"),
            "kerberos.error_code == 7"),
    NAME_NOT_RESOLVED("name-not-resolved",
            "John opens http://portal.contoso.com/, a name the zone does not hold: DNS answers NXDOMAIN and the browser never "
                    + "connects.",
            Lab.Setup.standard().site("http://portal.contoso.com/"), "name-not-resolved", Outcome.FAILED, Step.NAME_RESOLUTION,
            List.of("dns.name-not-resolved"),
            "dns.flags.rcode == 3"),
    PORT_CLOSED("port-closed",
            "The web site is stopped: DNS resolves iisserver.contoso.com, the client's SYN to port 80 is answered with RST and "
                    + "no HTTP is exchanged.",
            Lab.Setup.standard().webServerListening(false), "connect-failed", Outcome.FAILED, Step.CONNECT,
            List.of("tcp.connect-failed"),
            "tcp.flags.reset == 1 && tcp.srcport == 80"),
    CNAME_ALIAS("cname-alias",
            "John opens http://www.contoso.com/, a CNAME for iisserver.contoso.com; the SPN is registered for the alias "
                    + "HTTP/www.contoso.com only, but the browser builds it from the canonical name, so the TGS-REQ for "
                    + "HTTP/iisserver.contoso.com gets KRB-ERROR 7 and the client falls back to NTLM.",
            Lab.Setup.standard().site("http://www.contoso.com/").webSpns(List.of("HTTP/www.contoso.com")), "ntlm-fallback",
            Outcome.NTLM_FALLBACK, Step.TICKET, List.of("dns.cname-alias", "kerberos.spn-unknown", "http.ntlm-fallback"),
            "dns.cname == \"iisserver.contoso.com\""),
    IP_LITERAL("ip-literal",
            "John opens http://192.168.2.104/: no DNS query, and like Windows the client asks no ticket for an IP address; "
                    + "Negotiate carries NTLM and the site lets John in with NTLM.",
            Lab.Setup.standard().site("http://" + Lab.WEB_IP + "/"), "ntlm-fallback", Outcome.NTLM_FALLBACK, Step.TICKET_REQUEST,
            List.of("dns.ip-literal-host", "http.no-kerberos-attempt", "http.ntlm-fallback"),
            "ntlmssp.messagetype == 3"),
    CLIENT_CLOCK_SKEW("client-clock-skew",
            "Client1's clock runs 10 minutes behind (libfaketime): its pre-authentication timestamp is outside the KDC's "
                    + "5-minute window. Kerby answers the AS-REQ with KRB-ERROR 24 KDC_ERR_PREAUTH_FAILED where an Active Directory "
                    + "KDC answers 37 KRB_AP_ERR_SKEW; the skew shows in the decrypted PA-ENC-TIMESTAMP (keytab) against the "
                    + "KDC's stime and the capture clock. Without a TGT the page stays at 401.",
            Lab.Setup.standard().clientClock("-10m").ntlmFallback(false), "unauthorized", Outcome.FAILED, Step.TICKET_REQUEST,
            List.of("kerberos.clock-skew", "http.no-kerberos-attempt"),
            "kerberos.error_code == 24"),
    USER_UNKNOWN("user-unknown",
            "Someone logs on as jane, an account the realm does not have: the KDC answers the AS-REQ with KRB-ERROR 6 "
                    + "KDC_ERR_C_PRINCIPAL_UNKNOWN and the page stays at 401.",
            Lab.Setup.standard().client("jane", Lab.PASSWORD).ntlmFallback(false), "unauthorized", Outcome.FAILED,
            Step.TICKET_REQUEST, List.of("kerberos.client-unknown", "http.no-kerberos-attempt"),
            "kerberos.error_code == 6"),
    HTTPS_SUCCESS("https-success",
            "John opens https://iisserver.contoso.com/: the working flow inside TLS. The capture shows the DNS lookup, the TCP"
                    + " handshake to port 443, the ClientHello naming iisserver.contoso.com and the ticket exchange for"
                    + " HTTP/iisserver.contoso.com; the 401, the Kerberos AP-REQ and the 200 travel encrypted, so the capture"
                    + " alone can say no more than that the ticket was issued (the site's Security log shows the logon).",
            Lab.Setup.standard().site("https://iisserver.contoso.com/"), "kerberos", Outcome.INCOMPLETE, null, List.of(),
            "tls.handshake.extensions_server_name == \"iisserver.contoso.com\""),
    HTTPS_SPN_UNKNOWN("https-spn-unknown",
            "John opens https://intranet.contoso.com/, a second name of IISServer with no SPN registered: everything HTTP"
                    + " says is encrypted, but the ticket request is not: the KDC answers the TGS-REQ for"
                    + " HTTP/intranet.contoso.com with KRB-ERROR 7 KDC_ERR_S_PRINCIPAL_UNKNOWN; NTLM is not allowed on this"
                    + " client, so the page stays at 401.",
            Lab.Setup.standard().site("https://intranet.contoso.com/").ntlmFallback(false), "unauthorized", Outcome.FAILED,
            Step.TICKET, List.of("kerberos.spn-unknown"),
            "kerberos.error_code == 7 && kerberos.SNameString == \"intranet.contoso.com\""),
    PROXY_KERBEROS("proxy-kerberos",
            "John's browser opens http://www.fabrikam.com/ through the web proxy proxy.contoso.com:8080, which asks for "
                    + "credentials: 407 with Proxy-Authenticate: Negotiate and NTLM. HTTP/proxy.contoso.com is registered, so "
                    + "the KDC issues the ticket and the browser sends it in Proxy-Authorization; the proxy accepts it and "
                    + "answers 200 with its mutual-authentication token in Proxy-Authenticate.",
            Lab.Setup.standard().site("http://www.fabrikam.com/").httpProxy("proxy.contoso.com:8080")
                    .webSpns(List.of("HTTP/proxy.contoso.com")), "kerberos", Outcome.KERBEROS, null, List.of(),
            "http.proxy_authorization && kerberos.msg_type == 14"),
    PROXY_SPN_UNKNOWN("proxy-spn-unknown",
            "John's browser opens http://www.fabrikam.com/ through the web proxy proxy.contoso.com:8080, which asks for "
                    + "credentials: 407 with Proxy-Authenticate: Negotiate and NTLM. No SPN is registered for the proxy's name, "
                    + "so the TGS-REQ for HTTP/proxy.contoso.com gets KRB-ERROR 7 and the browser falls back to NTLM in "
                    + "Proxy-Authorization; the proxy lets John through.",
            Lab.Setup.standard().site("http://www.fabrikam.com/").httpProxy("proxy.contoso.com:8080"), "ntlm-fallback",
            Outcome.NTLM_FALLBACK, Step.TICKET, List.of("kerberos.spn-unknown", "http.ntlm-fallback"),
            "http.response.code == 407"),
    HTTPS_VIA_PROXY("https-via-proxy",
            "John's browser opens https://iisserver.contoso.com/ through the web proxy proxy.contoso.com:8080: it resolves"
                    + " the proxy, sends CONNECT iisserver.contoso.com:443, and once the proxy answers 200 Connection"
                    + " established it speaks TLS with the site inside the tunnel. The ClientHello in the tunnel names the"
                    + " site, the ticket exchange for HTTP/iisserver.contoso.com is in clear, and the 401, the Kerberos"
                    + " AP-REQ and the 200 travel encrypted.",
            Lab.Setup.standard().site("https://iisserver.contoso.com/").httpProxy("proxy.contoso.com:8080"), "kerberos",
            Outcome.INCOMPLETE, null, List.of(),
            "tcp.port == 8080 && tls.handshake.extensions_server_name == \"iisserver.contoso.com\"");

    private final String id;
    private final String story;
    private final Lab.Setup setup;
    private final String clientResult;
    private final Outcome outcome;
    private final Step failingStep;
    private final List<String> findings;
    private final String evidenceFilter;

    Scenario(String id, String story, Lab.Setup setup, String clientResult, Outcome outcome, Step failingStep,
            List<String> findings, String evidenceFilter) {
        this.id = id;
        this.story = story;
        this.setup = setup;
        this.clientResult = clientResult;
        this.outcome = outcome;
        this.failingStep = failingStep;
        this.findings = findings;
        this.evidenceFilter = evidenceFilter;
    }

    /** The scenario's name, as {@code kerbscope lab NAME} and the sample files use it. */
    public String id() {
        return id;
    }

    /** What happens, in one paragraph. */
    public String story() {
        return story;
    }

    public Lab.Setup setup() {
        return setup;
    }

    /** How the lab's browser must end ({@code kerberos}, {@code ntlm-fallback}, {@code unauthorized}, …). */
    public String clientResult() {
        return clientResult;
    }

    /** The attempt's outcome an analysis of the capture should report. */
    public Outcome outcome() {
        return outcome;
    }

    /** The first step an analysis should mark failed (or the step where the flow leaves Kerberos); empty on success. */
    public Optional<Step> failingStep() {
        return Optional.ofNullable(failingStep);
    }

    /** Finding ids an analysis of the capture must raise (others, such as kerberos.preauth-required, may join). */
    public List<String> findings() {
        return findings;
    }

    /** A Wireshark display filter that matches at least one frame of the capture: the scenario's evidence. */
    public String evidenceFilter() {
        return evidenceFilter;
    }

    /** Why the scenario cannot run on this machine (a missing tool), or empty. */
    public Optional<String> unavailable() {
        return setup.missing();
    }

    public static Optional<Scenario> byId(String id) {
        for (Scenario s : values()) {
            if (s.id.equals(id.toLowerCase(Locale.ROOT))) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    /**
     * Runs the scenario: stands the lab up, browses once, and writes the capture to {@code out} (pcapng) with
     * {@code NAME.keytab} beside it (and {@code NAME.server.keytab}, the site's own keys, for stale-keytab).
     */
    public ScenarioResult run(Path out) throws IOException {
        long start = System.nanoTime();
        try (Lab lab = Lab.start(setup, out, "Kerbscope lab scenario " + id + ": " + story)) {
            Lab.ClientRun run = lab.browse();
            List<String> events = lab.serverEvents();
            lab.close();
            return new ScenarioResult(this, lab.capture(), lab.keytab(), lab.serverKeytab(), lab.frames(), run.outcome(),
                    run.detail(), run.steps(), events, (System.nanoTime() - start) / 1_000_000);
        }
    }
}
