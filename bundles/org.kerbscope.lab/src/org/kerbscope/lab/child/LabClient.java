package org.kerbscope.lab.child;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.Socket;
import java.net.URI;
import java.net.URL;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletionException;

import javax.security.auth.Subject;
import javax.security.auth.callback.Callback;
import javax.security.auth.callback.NameCallback;
import javax.security.auth.callback.PasswordCallback;
import javax.security.auth.login.LoginException;
import javax.security.sasl.RealmCallback;
import javax.security.sasl.Sasl;
import javax.security.sasl.SaslClient;
import javax.security.sasl.SaslException;

import org.ietf.jgss.GSSContext;
import org.ietf.jgss.GSSException;
import org.ietf.jgss.GSSManager;
import org.ietf.jgss.GSSName;
import org.ietf.jgss.Oid;

/**
 * The lab's browser, run in its own JVM because JGSS reads its Kerberos configuration once per process. It does
 * what the guide's Edge on Client1 does: finds the KDC through DNS SRV, logs John on (AS exchange), resolves the
 * site through DNS, sends the anonymous request, and answers the 401 with SPNEGO/Kerberos from the JDK's JGSS, or
 * with NTLM (the JDK's NTLMv2, SASL mechanism "NTLM") where Windows would fall back to it. HTTP goes through the
 * JDK's {@link HttpURLConnection} via the recording relay, which the client reaches as a SOCKS proxy so that it
 * can connect to the lab addresses that DNS returned.
 *
 * <p>Arguments: {@code --url U --user john --password PW --realm CONTOSO.COM --domain CONTOSO --workstation
 * CLIENT1 --dns HOST:PORT --socks HOST:PORT --map LABIP:PORT=HOST:PORT[,…] --kdc-transport udp|tcp --krb5 FILE
 * --ntlm never|fallback --spn url|canonical [--http-proxy HOST:PORT]} (with a proxy it resolves the proxy's name, asks a
 * ticket for HTTP/proxy, and answers the proxy's 407). Prints {@code STEP …} lines and one {@code RESULT outcome detail}
 * line. Reads only JDK classes.
 */
public final class LabClient {

    private static final Oid SPNEGO = oid("1.3.6.1.5.5.2");
    private static final String USER_AGENT = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
            + "Chrome/107.0.0.0 Safari/537.36 Edg/107.0.1418.56";

    private final Map<String, String> args;
    private final PrintStream out = System.out;
    private final Proxy proxy;
    private final InetSocketAddress dns;
    /** The browser's web proxy ({@code --http-proxy host:port}), or null: then it goes to the site itself. */
    private final String httpProxyHost;
    private final int httpProxyPort;
    /** What asks for credentials: the site's 401, or the proxy's 407. */
    private final int challengeStatus;
    private Socket proxySocket;
    private InputStream proxyIn;
    /** An https site behind the web proxy: the browser opens a CONNECT tunnel and speaks TLS to the site inside it. */
    private final boolean tunnel;
    /** For an https site: TLS that trusts the lab site's own certificate ({@code --tls-cert FILE}, PEM), else null. */
    private final javax.net.ssl.SSLSocketFactory tls;

    private LabClient(Map<String, String> args) {
        this.args = args;
        this.proxy = new Proxy(Proxy.Type.SOCKS, address(args.get("socks")));
        this.dns = address(args.get("dns"));
        String hp = args.get("http-proxy");
        this.httpProxyHost = hp == null ? null : hp.substring(0, hp.lastIndexOf(':'));
        this.httpProxyPort = hp == null ? 0 : Integer.parseInt(hp.substring(hp.lastIndexOf(':') + 1));
        this.tunnel = hp != null && args.getOrDefault("url", "").regionMatches(true, 0, "https:", 0, 6);
        this.challengeStatus = hp == null || tunnel ? 401 : 407;
        this.tls = args.get("tls-cert") == null ? null : trusting(args.get("tls-cert"));
    }

    /** TLS whose only trust anchor is the certificate in {@code pem}: the lab site's, made for this run. */
    private static javax.net.ssl.SSLSocketFactory trusting(String pem) {
        try (InputStream in = java.nio.file.Files.newInputStream(java.nio.file.Path.of(pem))) {
            java.security.cert.Certificate cert = java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(in);
            java.security.KeyStore anchors = java.security.KeyStore.getInstance("PKCS12");
            anchors.load(null, null);
            anchors.setCertificateEntry("lab-site", cert);
            javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory.getInstance(
                    javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(anchors);
            javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx.getSocketFactory();
        } catch (IOException | java.security.GeneralSecurityException e) {
            throw new IllegalStateException("the lab site's certificate " + pem + " cannot be used: " + e, e);
        }
    }

    public static void main(String[] argv) {
        LabClient c = new LabClient(LabWebServer.parse(argv));
        try {
            c.run();
        } catch (Exception | Error e) {
            c.result("error", e.toString());
        }
        System.out.flush();
        // The JDK's keep-alive cache holds the connection open; leave without waiting for it.
        System.exit(0);
    }

    private void run() throws Exception {
        String realm = args.getOrDefault("realm", "CONTOSO.COM");
        Subject subject = logon(realm);
        URL url = URI.create(args.get("url")).toURL();
        // the name the client resolves and asks a ticket for: the site's, or its proxy's
        String host = httpProxyHost != null ? httpProxyHost : url.getHost();
        boolean ipLiteral = host.matches("[0-9.]+") || host.contains(":");
        // whom it authenticates to: the proxy, or through a tunnel the site itself
        String authHost = tunnel ? url.getHost() : host;
        boolean authIp = authHost.matches("[0-9.]+") || authHost.contains(":");
        if (!ipLiteral) {
            try {
                InetAddress a = InetAddress.getByName(host);
                step("resolved " + host + " to " + a.getHostAddress()
                        + (LabResolverProvider.canonicalName(host).equalsIgnoreCase(host) ? ""
                                : " through the alias of " + LabResolverProvider.canonicalName(host)));
            } catch (UnknownHostException e) {
                result("name-not-resolved", e.getMessage());
                return;
            }
        }
        Response r;
        try {
            r = get(url, null);
        } catch (IOException e) {
            result("connect-failed", "cannot connect to " + host + ":" + (httpProxyHost != null ? httpProxyPort : port(url))
                    + ": " + e.getMessage());
            return;
        }
        step("anonymous GET " + url + " answered " + r.status + " offering " + r.offers());
        if (r.status != challengeStatus) {
            result("anonymous", "HTTP " + r.status);
            return;
        }
        boolean negotiate = r.offers().stream().anyMatch(s -> s.equalsIgnoreCase("Negotiate"));
        boolean ntlmOffered = r.offers().stream().anyMatch(s -> s.equalsIgnoreCase("NTLM"));
        boolean kerberosFailed = false;
        if (negotiate && authIp) {
            step("the site is addressed by IP; like Windows, the client does not ask Kerberos for a ticket to an IP address");
        } else if (negotiate && subject == null) {
            step("no Kerberos ticket-granting ticket (the logon failed), so Negotiate cannot use Kerberos");
            kerberosFailed = true;
        } else if (negotiate) {
            String spnHost = ("canonical".equals(args.get("spn")) ? LabResolverProvider.canonicalName(authHost) : authHost)
                    .toLowerCase(Locale.ROOT);
            step("asking the KDC for a ticket to HTTP/" + spnHost);
            GSSContext ctx;
            byte[] token;
            try {
                Object[] made = Subject.callAs(subject, () -> {
                    GSSManager m = GSSManager.getInstance();
                    GSSName target = m.createName("HTTP@" + spnHost, GSSName.NT_HOSTBASED_SERVICE);
                    GSSContext c = m.createContext(target, SPNEGO, null, GSSContext.DEFAULT_LIFETIME);
                    c.requestMutualAuth(true);
                    c.requestCredDeleg(false);
                    return new Object[] {c, c.initSecContext(new byte[0], 0, 0)};
                });
                ctx = (GSSContext) made[0];
                token = (byte[]) made[1];
            } catch (CompletionException e) {
                step("Kerberos failed: " + messages(e.getCause()));
                ctx = null;
                token = null;
                kerberosFailed = true;
            }
            if (token != null) {
                Response k = get(url, "Negotiate " + Base64.getEncoder().encodeToString(token));
                step("GET with " + (httpProxyHost != null && !tunnel ? "Proxy-Authorization" : "Authorization")
                        + ": Negotiate (Kerberos AP-REQ) answered " + k.status);
                if (k.status == challengeStatus) {
                    result("kerberos-rejected", "the server answered " + challengeStatus + " to the Kerberos ticket");
                    return;
                }
                String mutual = k.token("Negotiate");
                String verified = "";
                if (mutual != null) {
                    byte[] in = Base64.getDecoder().decode(mutual);
                    GSSContext c = ctx;
                    try {
                        Subject.callAs(subject, () -> c.initSecContext(in, 0, in.length));
                        verified = c.isEstablished() ? ", mutual authentication verified" : ", mutual authentication incomplete";
                    } catch (CompletionException e) {
                        verified = ", mutual authentication failed: " + messages(e.getCause());
                    }
                }
                favicon(url);
                result("kerberos", "HTTP " + k.status + verified);
                return;
            }
        }
        boolean mayNtlm = "fallback".equals(args.getOrDefault("ntlm", "never")) || (!negotiate && ntlmOffered);
        if ((negotiate || ntlmOffered) && mayNtlm) {
            String scheme = negotiate ? "Negotiate" : "NTLM";
            int status = ntlm(url, scheme, authHost);
            if (status == challengeStatus) {
                result("ntlm-rejected", "the server answered " + challengeStatus + " to the NTLM AUTHENTICATE message");
            } else {
                favicon(url);
                result(negotiate ? "ntlm-fallback" : "ntlm", "HTTP " + status + " after NTLM in the " + scheme + " scheme"
                        + (kerberosFailed ? " (Kerberos had failed)" : ""));
            }
            return;
        }
        result("unauthorized", "HTTP 401" + (kerberosFailed ? " (Kerberos failed and this client may not use NTLM)"
                : negotiate ? " (no Kerberos attempt and NTLM is not allowed)" : " (no scheme this client can use)"));
    }

    private Subject logon(String realm) throws IOException {
        String transport = args.getOrDefault("kdc-transport", "udp");
        String srv = "_kerberos._" + transport + "." + realm;
        InetSocketAddress kdc = null;
        try {
            DnsMessage a = LabResolverProvider.ask(dns, srv, DnsMessage.TYPE_SRV);
            for (DnsMessage.Record rec : a.answers) {
                if (rec.type() == DnsMessage.TYPE_SRV) {
                    String[] f = rec.data().split(" ");
                    String target = f[3];
                    int port = Integer.parseInt(f[2]);
                    String ip = null;
                    for (DnsMessage.Record add : a.additional) {
                        if (add.type() == DnsMessage.TYPE_A && add.name().equalsIgnoreCase(target)) {
                            ip = add.data();
                        }
                    }
                    if (ip == null) {
                        ip = InetAddress.getByName(target).getHostAddress();
                    }
                    step("located the KDC " + target + " (" + ip + ":" + port + ") through DNS SRV " + srv);
                    kdc = mapped(ip + ":" + port);
                    break;
                }
            }
        } catch (IOException e) {
            step("KDC location failed: " + e.getMessage());
        }
        if (kdc == null) {
            step("no KDC found for " + realm + "; Kerberos is not available");
            return null;
        }
        Path conf = Path.of(args.get("krb5"));
        String enctypes = "aes256-cts-hmac-sha1-96 aes128-cts-hmac-sha1-96 rc4-hmac";
        Files.writeString(conf, "[libdefaults]\n default_realm = " + realm + "\n"
                + " udp_preference_limit = " + ("tcp".equals(transport) ? "1" : "1465") + "\n"
                + " dns_lookup_kdc = false\n dns_lookup_realm = false\n dns_canonicalize_hostname = false\n rdns = false\n"
                + " kdc_timeout = 3000\n max_retries = 2\n forwardable = true\n renewable = true\n"
                + " default_tkt_enctypes = " + enctypes + "\n default_tgs_enctypes = " + enctypes + "\n permitted_enctypes = " + enctypes + "\n"
                + "[realms]\n " + realm + " = {\n  kdc = " + kdc.getHostString() + ":" + kdc.getPort() + "\n }\n"
                + "[domain_realm]\n ." + realm.toLowerCase(Locale.ROOT) + " = " + realm + "\n " + realm.toLowerCase(Locale.ROOT) + " = " + realm + "\n");
        System.setProperty("java.security.krb5.conf", conf.toString());
        String principal = args.get("user") + "@" + realm;
        try {
            Subject s = Krb5Jaas.logon(principal, args.getOrDefault("password", "").toCharArray());
            step("logged on as " + principal + " (ticket-granting ticket received)");
            return s;
        } catch (LoginException e) {
            step("logon as " + principal + " failed: " + messages(e));
            return null;
        }
    }

    /** NTLM over HTTP: NEGOTIATE, CHALLENGE, AUTHENTICATE on one connection (MS-NLMP, RFC 4559 framing). */
    private int ntlm(URL url, String scheme, String server) throws IOException {
        Map<String, Object> props = new HashMap<>();
        props.put("com.sun.security.sasl.ntlm.version", "LMv2/NTLMv2");
        props.put("com.sun.security.sasl.ntlm.hostname", args.getOrDefault("workstation", "CLIENT1"));
        String user = args.get("user");
        char[] password = args.getOrDefault("password", "").toCharArray();
        String domain = args.getOrDefault("domain", "CONTOSO");
        SaslClient sc = Sasl.createSaslClient(new String[] {"NTLM"}, null, "HTTP", server, props, callbacks -> {
            for (Callback cb : callbacks) {
                if (cb instanceof NameCallback n) {
                    n.setName(user);
                } else if (cb instanceof PasswordCallback p) {
                    p.setPassword(password);
                } else if (cb instanceof RealmCallback r) {
                    r.setText(domain);
                }
            }
        });
        if (sc == null) {
            throw new SaslException("this JDK has no NTLM SASL mechanism");
        }
        byte[] negotiate = sc.evaluateChallenge(new byte[0]);
        Response r1 = get(url, scheme + " " + Base64.getEncoder().encodeToString(negotiate));
        String challenge = r1.token(scheme);
        step("NTLM NEGOTIATE in the " + scheme + " scheme answered " + r1.status + (challenge != null ? " with a CHALLENGE" : ""));
        if (r1.status != challengeStatus || challenge == null) {
            return r1.status;
        }
        byte[] authenticate = sc.evaluateChallenge(Base64.getDecoder().decode(challenge));
        Response r2 = get(url, scheme + " " + Base64.getEncoder().encodeToString(authenticate));
        step("NTLM AUTHENTICATE as " + domain + "\\" + user + " answered " + r2.status);
        return r2.status;
    }

    /** A browser asks for the site's icon after the page; on the authenticated connection it needs no token. */
    private void favicon(URL url) {
        try {
            Response f = get(URI.create(url.getProtocol() + "://" + url.getAuthority() + "/favicon.ico").toURL(), null);
            step("GET /favicon.ico answered " + f.status);
        } catch (IOException e) {
            step("GET /favicon.ico failed: " + e.getMessage());
        }
    }

    /** A response; {@code challengeHeader}: WWW-Authenticate, or a proxy's Proxy-Authenticate. */
    private record Response(int status, Map<String, List<String>> headers, String challengeHeader) {
        List<String> offers() {
            List<String> o = new ArrayList<>();
            for (String v : values(challengeHeader)) {
                o.add(v.contains(" ") ? v.substring(0, v.indexOf(' ')) : v);
            }
            return o;
        }

        /** The token after {@code scheme} in a WWW-Authenticate (Proxy-Authenticate) header, or null. */
        String token(String scheme) {
            for (String v : values(challengeHeader)) {
                if (v.regionMatches(true, 0, scheme + " ", 0, scheme.length() + 1)) {
                    return v.substring(scheme.length() + 1).trim();
                }
            }
            return null;
        }

        List<String> values(String name) {
            for (Map.Entry<String, List<String>> e : headers.entrySet()) {
                if (e.getKey() != null && e.getKey().equalsIgnoreCase(name)) {
                    return e.getValue();
                }
            }
            return List.of();
        }
    }

    private Response get(URL url, String authorization) throws IOException {
        if (tunnel) {
            return viaTunnel(url, authorization);
        }
        if (httpProxyHost != null) {
            return viaProxy(url, authorization);
        }
        HttpURLConnection c = (HttpURLConnection) url.openConnection(proxy);
        if (c instanceof javax.net.ssl.HttpsURLConnection https && tls != null) {
            https.setSSLSocketFactory(tls);
        }
        c.setInstanceFollowRedirects(false);
        c.setUseCaches(false);
        c.setConnectTimeout(5000);
        c.setReadTimeout(15000);
        c.setRequestProperty("User-Agent", USER_AGENT);
        c.setRequestProperty("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,image/webp,*/*;q=0.8");
        c.setRequestProperty("Accept-Language", "en-US,en;q=0.9");
        if (authorization != null) {
            c.setRequestProperty("Authorization", authorization);
        }
        int status = c.getResponseCode();
        InputStream body = status >= 400 ? c.getErrorStream() : c.getInputStream();
        if (body != null) {
            // Reading the body to its end lets the JDK keep the connection for the next leg, as NTLM requires.
            try (body) {
                body.readAllBytes();
            }
        }
        return new Response(status, c.getHeaderFields(), "WWW-Authenticate");
    }

    /**
     * A GET through the web proxy, as a browser sends it (RFC 9112 3.2.2: the absolute URI; credentials for the proxy
     * in Proxy-Authorization), on one kept connection (NTLM is bound to it). The JDK's HttpURLConnection cannot
     * both reach the lab through the recording relay (SOCKS) and speak to an HTTP proxy, so this is written out.
     */
    private Response viaProxy(URL url, String credentials) throws IOException {
        if (proxySocket == null || proxySocket.isClosed()) {
            connectProxy();
        }
        send(url.toString(), url.getAuthority(), "Proxy-Connection", "Proxy-Authorization", credentials);
        return response("Proxy-Authenticate");
    }

    private void connectProxy() throws IOException {
        InetAddress a = InetAddress.getByName(httpProxyHost);
        Socket s = new Socket(proxy);
        s.connect(new InetSocketAddress(a, httpProxyPort), 5000);
        s.setSoTimeout(15000);
        proxySocket = s;
        proxyIn = new java.io.BufferedInputStream(s.getInputStream());
    }

    /**
     * A GET to an https site through the web proxy, as a browser sends it: CONNECT host:port to the proxy (RFC 9110
     * 9.3.6), and once the proxy answers 2xx, TLS with the site inside the tunnel and the request in origin form, its
     * credentials in Authorization; the tunnel is kept for the next leg.
     */
    private Response viaTunnel(URL url, String credentials) throws IOException {
        if (proxySocket == null || proxySocket.isClosed()) {
            connectProxy();
            String authority = url.getHost() + ":" + port(url);
            String connect = "CONNECT " + authority + " HTTP/1.1\r\nHost: " + authority + "\r\nUser-Agent: " + USER_AGENT
                    + "\r\nProxy-Connection: keep-alive\r\n\r\n";
            proxySocket.getOutputStream().write(connect.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            proxySocket.getOutputStream().flush();
            Response opened = response("Proxy-Authenticate");
            if (opened.status / 100 != 2) {
                return opened;
            }
            step("the proxy opened a tunnel to " + authority + " (CONNECT answered " + opened.status + ")");
            if (tls == null) {
                throw new IOException("no certificate of the site to trust (--tls-cert)");
            }
            javax.net.ssl.SSLSocket site = (javax.net.ssl.SSLSocket) tls.createSocket(proxySocket, url.getHost(), port(url), true);
            site.startHandshake();
            proxySocket = site;
            proxyIn = new java.io.BufferedInputStream(site.getInputStream());
        }
        send(url.getFile().isEmpty() ? "/" : url.getFile(), url.getAuthority(), "Connection", "Authorization", credentials);
        return response("WWW-Authenticate");
    }

    /**
     * A browser's GET of {@code target} on the kept connection, keep-alive in {@code keepAlive} (Connection, or a
     * proxy's Proxy-Connection), credentials in {@code credentialHeader}.
     */
    private void send(String target, String host, String keepAlive, String credentialHeader, String credentials)
            throws IOException {
        String request = "GET " + target + " HTTP/1.1\r\nHost: " + host + "\r\nUser-Agent: " + USER_AGENT
                + "\r\nAccept: text/html,application/xhtml+xml,application/xml;q=0.9,image/webp,*/*;q=0.8"
                + "\r\nAccept-Language: en-US,en;q=0.9\r\n" + keepAlive + ": keep-alive\r\n"
                + (credentials != null ? credentialHeader + ": " + credentials + "\r\n" : "") + "\r\n";
        proxySocket.getOutputStream().write(request.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        proxySocket.getOutputStream().flush();
    }

    /** The response on the kept connection: status line, headers, and a Content-Length body (read and dropped). */
    private Response response(String challengeHeader) throws IOException {
        String statusLine = line(proxyIn);
        String[] parts = statusLine.split(" ");
        if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
            throw new IOException("the proxy answered \"" + statusLine + "\"");
        }
        Map<String, List<String>> headers = new java.util.LinkedHashMap<>();
        long length = 0;
        boolean close = false;
        for (String h = line(proxyIn); !h.isEmpty(); h = line(proxyIn)) {
            int colon = h.indexOf(':');
            if (colon <= 0) {
                continue;
            }
            String name = h.substring(0, colon).trim();
            String value = h.substring(colon + 1).trim();
            headers.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
            if (name.equalsIgnoreCase("Content-Length")) {
                length = Long.parseLong(value);
            } else if (name.equalsIgnoreCase("Connection") && value.equalsIgnoreCase("close")) {
                close = true;
            }
        }
        proxyIn.readNBytes((int) length);
        if (close) {
            proxySocket.close();
        }
        return new Response(Integer.parseInt(parts[1]), headers, challengeHeader);
    }

    /** One header line (CRLF removed). */
    private static String line(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new IOException("the proxy closed the connection");
            }
            if (c != '\r') {
                b.append((char) c);
            }
        }
        return b.toString();
    }

    private InetSocketAddress mapped(String labAddress) {
        for (String entry : args.getOrDefault("map", "").split(",")) {
            int eq = entry.indexOf('=');
            if (eq > 0 && entry.substring(0, eq).equals(labAddress)) {
                return address(entry.substring(eq + 1));
            }
        }
        throw new IllegalStateException("the lab relay has no route for " + labAddress);
    }

    private static int port(URL url) {
        return url.getPort() < 0 ? url.getDefaultPort() : url.getPort();
    }

    private static InetSocketAddress address(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        return new InetSocketAddress(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)));
    }

    static String messages(Throwable e) {
        StringBuilder sb = new StringBuilder(String.valueOf(e.getMessage()));
        for (Throwable c = e.getCause(); c != null; c = c.getCause()) {
            if (c.getMessage() != null && !sb.toString().contains(c.getMessage())) {
                sb.append(" / ").append(c.getMessage());
            }
        }
        return sb.toString();
    }

    private void step(String s) {
        out.println("STEP " + s);
        out.flush();
    }

    private void result(String outcome, String detail) {
        out.println("RESULT " + outcome + " " + detail);
        out.flush();
    }

    private static Oid oid(String s) {
        try {
            return new Oid(s);
        } catch (GSSException e) {
            throw new IllegalStateException(e);
        }
    }
}
