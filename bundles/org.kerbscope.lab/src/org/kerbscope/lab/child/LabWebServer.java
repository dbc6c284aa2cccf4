package org.kerbscope.lab.child;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;

import javax.security.auth.Subject;
import javax.security.auth.callback.Callback;
import javax.security.auth.callback.NameCallback;
import javax.security.auth.callback.PasswordCallback;
import javax.security.sasl.AuthorizeCallback;
import javax.security.sasl.RealmCallback;
import javax.security.sasl.Sasl;
import javax.security.sasl.SaslException;
import javax.security.sasl.SaslServer;

import org.ietf.jgss.GSSContext;
import org.ietf.jgss.GSSCredential;
import org.ietf.jgss.GSSException;
import org.ietf.jgss.GSSManager;
import org.ietf.jgss.Oid;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * The lab's web site, run in its own JVM (JGSS configuration is per process, and a skewed clock needs a process
 * of its own under libfaketime). It answers like IIS with Windows Authentication: an anonymous request gets 401
 * with {@code WWW-Authenticate: Negotiate} and {@code NTLM}; a SPNEGO token is accepted by the JDK's JGSS acceptor
 * with the service keytab, and success carries the mutual-authentication token back; NTLM (bare or inside
 * Negotiate) is verified by the JDK's NTLM implementation (SASL mechanism "NTLM").
 *
 * <p>Arguments: {@code --auth negotiate,ntlm|negotiate|ntlm --keytab FILE --principal SPN@REALM --host NAME
 * --domain CONTOSO --user john --password PW --proxy true|false} (true: it answers as a web proxy, 407 and
 * Proxy-Authenticate, and reads Proxy-Authorization), and for an https site {@code --tls-keystore FILE.p12
 * --tls-password PW}, with {@code --tunnel true} behind a web proxy that tunnels to it (CONNECT). Prints {@code LISTENING port} once it accepts connections, then one
 * {@code EVENT …} line per authentication decision. Reads only JDK classes.
 */
public final class LabWebServer {

    private static final Oid SPNEGO = oid("1.3.6.1.5.5.2");
    private static final Oid KRB5 = oid("1.2.840.113554.1.2.2");
    private static final String PAGE = "<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Strict//EN\" "
            + "\"http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd\">\r\n<html xmlns=\"http://www.w3.org/1999/xhtml\">\r\n"
            + "<head>\r\n<meta http-equiv=\"Content-Type\" content=\"text/html; charset=iso-8859-1\" />\r\n"
            + "<title>IIS Windows Server</title>\r\n</head>\r\n<body>\r\n<p>Hello %s, this is IISServer.contoso.com.</p>\r\n"
            + "</body>\r\n</html>";
    private static final String DENIED = "<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Strict//EN\" "
            + "\"http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd\">\r\n<html xmlns=\"http://www.w3.org/1999/xhtml\">\r\n"
            + "<head>\r\n<title>401 - Unauthorized: Access is denied due to invalid credentials.</title>\r\n</head>\r\n"
            + "<body>\r\n<h2>401 - Unauthorized: Access is denied due to invalid credentials.</h2>\r\n"
            + "<h3>You do not have permission to view this directory or page using the credentials that you supplied.</h3>\r\n"
            + "</body>\r\n</html>";
    private static final String NOT_FOUND = "<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Strict//EN\" "
            + "\"http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd\">\r\n<html xmlns=\"http://www.w3.org/1999/xhtml\">\r\n"
            + "<head>\r\n<title>404 - File or directory not found.</title>\r\n</head>\r\n"
            + "<body>\r\n<h2>404 - File or directory not found.</h2>\r\n</body>\r\n</html>";

    private final boolean offerNegotiate;
    private final boolean offerNtlm;
    /** As a web proxy (RFC 9110 11.7): 407 with Proxy-Authenticate, credentials in Proxy-Authorization. */
    private final int challengeStatus;
    private final String challengeHeader;
    private final String credentialHeader;
    private final Map<String, String> args;
    private final PrintStream log = System.out;
    private Subject acceptor;
    private GSSCredential acceptorCreds;
    /** Connections that authenticated (IIS's {@code Persistent-Auth}): later requests on them need no token. */
    private final Map<InetSocketAddress, String> authenticated = new ConcurrentHashMap<>();
    /** NTLM is connection-bound: the CHALLENGE's state waits here for the AUTHENTICATE on the same connection. */
    private final Map<InetSocketAddress, SaslServer> ntlm = new ConcurrentHashMap<>();

    private LabWebServer(Map<String, String> args) {
        this.args = args;
        String auth = args.getOrDefault("auth", "negotiate,ntlm");
        this.offerNegotiate = auth.contains("negotiate");
        this.offerNtlm = auth.contains("ntlm");
        boolean proxy = Boolean.parseBoolean(args.getOrDefault("proxy", "false"));
        this.challengeStatus = proxy ? 407 : 401;
        this.challengeHeader = proxy ? "Proxy-Authenticate" : "WWW-Authenticate";
        this.credentialHeader = proxy ? "Proxy-Authorization" : "Authorization";
    }

    public static void main(String[] argv) throws Exception {
        Map<String, String> args = parse(argv);
        new LabWebServer(args).run();
    }

    static Map<String, String> parse(String[] argv) {
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i + 1 < argv.length; i += 2) {
            m.put(argv[i].replaceFirst("^--", ""), argv[i + 1]);
        }
        return m;
    }

    private void run() throws Exception {
        if (offerNegotiate) {
            acceptor = Krb5Jaas.acceptor(args.get("principal"), args.get("keytab"));
            acceptorCreds = Subject.callAs(acceptor, () -> GSSManager.getInstance().createCredential(null,
                    GSSCredential.INDEFINITE_LIFETIME, new Oid[] {SPNEGO, KRB5}, GSSCredential.ACCEPT_ONLY));
        }
        InetSocketAddress any = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        HttpServer server;
        if (args.get("tls-keystore") != null) {
            // an https site: TLS with the certificate the lab made for this run
            com.sun.net.httpserver.HttpsServer https = com.sun.net.httpserver.HttpsServer.create(any, 16);
            https.setHttpsConfigurator(new com.sun.net.httpserver.HttpsConfigurator(
                    tls(args.get("tls-keystore"), args.getOrDefault("tls-password", "").toCharArray())));
            server = https;
        } else {
            server = HttpServer.create(any, 16);
        }
        server.createContext("/", this::handle);
        server.start();
        // behind a web proxy: the browser reaches the https site through a CONNECT tunnel the proxy opens to it
        int listening = Boolean.parseBoolean(args.getOrDefault("tunnel", "false"))
                ? tunnelProxy(server.getAddress().getPort()) : server.getAddress().getPort();
        log.println("LISTENING " + listening);
        log.flush();
        // The lab ends this process when the scenario is over. Should the lab's own JVM end first (a test killed, a
        // crash), standard input reaches its end: the server must not outlive it.
        Thread orphan = new Thread(() -> {
            try {
                while (System.in.read() != -1) {
                    // the lab writes nothing; only the end of the stream matters
                }
            } catch (IOException e) {
                // a broken pipe means the same as its end
            }
            server.stop(0);
            System.exit(0);
        }, "parent-watch");
        orphan.setDaemon(true);
        orphan.start();
    }

    /**
     * A web proxy in front of the site that only tunnels (RFC 9110 9.3.6): it reads a CONNECT request, answers
     * {@code 200 Connection established} and relays the bytes both ways between the browser and the site's port, so the
     * site's TLS and its 401 travel inside the tunnel. Anything but CONNECT gets 405.
     *
     * @return the port it listens on (loopback)
     */
    private int tunnelProxy(int sitePort) throws IOException {
        java.net.ServerSocket ss = new java.net.ServerSocket(0, 16, InetAddress.getLoopbackAddress());
        Thread accept = new Thread(() -> {
            while (!ss.isClosed()) {
                try {
                    java.net.Socket browser = ss.accept();
                    Thread t = new Thread(() -> tunnel(browser, sitePort), "tunnel");
                    t.setDaemon(true);
                    t.start();
                } catch (IOException e) {
                    return;
                }
            }
        }, "tunnel-accept");
        accept.setDaemon(true);
        accept.start();
        return ss.getLocalPort();
    }

    private void tunnel(java.net.Socket browser, int sitePort) {
        try (browser) {
            InputStream in = browser.getInputStream();
            OutputStream out = browser.getOutputStream();
            StringBuilder head = new StringBuilder();
            while (!head.toString().endsWith("\r\n\r\n")) {
                int c = in.read();
                if (c < 0 || head.length() > 8192) {
                    return;
                }
                head.append((char) c);
            }
            String requestLine = head.substring(0, head.indexOf("\r\n"));
            if (!requestLine.startsWith("CONNECT ")) {
                out.write("HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                        .getBytes(StandardCharsets.ISO_8859_1));
                return;
            }
            log.println("EVENT tunnel " + requestLine.split(" ")[1]);
            log.flush();
            try (java.net.Socket site = new java.net.Socket(InetAddress.getLoopbackAddress(), sitePort)) {
                out.write("HTTP/1.1 200 Connection established\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                Thread up = new Thread(() -> relay(in, site), "tunnel-up");
                up.setDaemon(true);
                up.start();
                relay(site.getInputStream(), browser);
                up.join(5000);
            }
        } catch (IOException e) {
            // the browser or the site went away: the tunnel ends with it
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Copies until the end of {@code from}, then ends the output of {@code to}. */
    private static void relay(InputStream from, java.net.Socket to) {
        try {
            from.transferTo(to.getOutputStream());
            to.shutdownOutput();
        } catch (IOException e) {
            // the other side closed first
        }
    }

    private static javax.net.ssl.SSLContext tls(String keystore, char[] password) throws Exception {
        java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
        try (InputStream in = java.nio.file.Files.newInputStream(java.nio.file.Path.of(keystore))) {
            ks.load(in, password);
        }
        javax.net.ssl.KeyManagerFactory kmf = javax.net.ssl.KeyManagerFactory.getInstance(
                javax.net.ssl.KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, password);
        javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);
        return ctx;
    }

    private void handle(HttpExchange ex) throws IOException {
        try (InputStream in = ex.getRequestBody()) {
            in.readAllBytes();
        }
        InetSocketAddress conn = ex.getRemoteAddress();
        String user = authenticated.get(conn);
        if (user != null) {
            page(ex, user, null);
            return;
        }
        String authz = ex.getRequestHeaders().getFirst(credentialHeader);
        if (authz == null) {
            challenge(ex, null);
            return;
        }
        int sp = authz.indexOf(' ');
        String scheme = sp < 0 ? authz : authz.substring(0, sp);
        byte[] token;
        try {
            token = sp < 0 ? new byte[0] : Base64.getDecoder().decode(authz.substring(sp + 1).trim());
        } catch (IllegalArgumentException e) {
            event("REJECTED the Authorization header is not base64");
            challenge(ex, null);
            return;
        }
        boolean ntlmToken = token.length >= 8 && new String(token, 0, 8, StandardCharsets.ISO_8859_1).equals("NTLMSSP\0");
        if (ntlmToken && offerNtlm && (scheme.equalsIgnoreCase("NTLM") || scheme.equalsIgnoreCase("Negotiate") && offerNegotiate)) {
            ntlm(ex, conn, scheme, token);
        } else if (scheme.equalsIgnoreCase("Negotiate") && offerNegotiate && !ntlmToken) {
            negotiate(ex, conn, token);
        } else {
            event("REJECTED a " + scheme + " token this site does not accept");
            challenge(ex, null);
        }
    }

    private void negotiate(HttpExchange ex, InetSocketAddress conn, byte[] token) throws IOException {
        try {
            GSSContext ctx = GSSManager.getInstance().createContext(acceptorCreds);
            byte[] out = Subject.callAs(acceptor, () -> ctx.acceptSecContext(token, 0, token.length));
            if (!ctx.isEstablished()) {
                event("CONTINUE the Negotiate exchange needs another leg");
                challenge(ex, "Negotiate " + Base64.getEncoder().encodeToString(out == null ? new byte[0] : out));
                return;
            }
            String who = ctx.getSrcName().toString();
            event("ACCEPTED Kerberos " + who + " for " + ctx.getTargName() + (out != null ? " with mutual authentication" : ""));
            String user = who.contains("@") ? who.substring(0, who.indexOf('@')) : who;
            authenticated.put(conn, user);
            page(ex, user, out == null ? null : "Negotiate " + Base64.getEncoder().encodeToString(out));
        } catch (CompletionException e) {
            rejectKerberos(ex, e.getCause() != null ? e.getCause() : e);
        } catch (GSSException e) {
            rejectKerberos(ex, e);
        }
    }

    private void rejectKerberos(HttpExchange ex, Throwable e) throws IOException {
        StringBuilder why = new StringBuilder(String.valueOf(e.getMessage()));
        for (Throwable c = e.getCause(); c != null; c = c.getCause()) {
            why.append(" / ").append(c.getMessage());
        }
        event("REJECTED Kerberos: " + why);
        challenge(ex, null);
    }

    private void ntlm(HttpExchange ex, InetSocketAddress conn, String scheme, byte[] token) throws IOException {
        try {
            int type = token.length >= 12 ? token[8] : 0;
            if (type == 1) {
                Map<String, Object> props = new HashMap<>();
                props.put("com.sun.security.sasl.ntlm.domain", args.getOrDefault("domain", "CONTOSO"));
                SaslServer s = Sasl.createSaslServer("NTLM", "HTTP", args.getOrDefault("host", "iisserver.contoso.com"), props,
                        this::ntlmCallbacks);
                byte[] challenge = s.evaluateResponse(token);
                ntlm.put(conn, s);
                event("CHALLENGE NTLM");
                respond(ex, challengeStatus, DENIED, Map.of(challengeHeader, List.of(scheme + " " + Base64.getEncoder().encodeToString(challenge))));
                return;
            }
            SaslServer s = ntlm.remove(conn);
            if (s == null) {
                event("REJECTED an NTLM AUTHENTICATE message without a CHALLENGE on this connection");
                challenge(ex, null);
                return;
            }
            s.evaluateResponse(token);
            String user = s.getAuthorizationID();
            event("ACCEPTED NTLM " + user);
            authenticated.put(conn, user);
            page(ex, user, null);
        } catch (SaslException e) {
            event("REJECTED NTLM: " + e.getMessage());
            challenge(ex, null);
        }
    }

    private void ntlmCallbacks(Callback[] callbacks) {
        String name = null;
        for (Callback cb : callbacks) {
            if (cb instanceof RealmCallback r) {
                r.setText(r.getDefaultText());
            } else if (cb instanceof NameCallback n) {
                name = n.getDefaultName();
            } else if (cb instanceof PasswordCallback p) {
                // The domain controller's knowledge of the user: the lab's one account and its password.
                if (name != null && name.equalsIgnoreCase(args.getOrDefault("user", "john"))) {
                    p.setPassword(args.getOrDefault("password", "").toCharArray());
                }
            } else if (cb instanceof AuthorizeCallback a) {
                a.setAuthorized(true);
                a.setAuthorizedID(a.getAuthorizationID());
            }
        }
    }

    private void challenge(HttpExchange ex, String single) throws IOException {
        Map<String, List<String>> h = new HashMap<>();
        if (single != null) {
            h.put(challengeHeader, List.of(single));
        } else {
            java.util.ArrayList<String> offers = new java.util.ArrayList<>();
            if (offerNegotiate) {
                offers.add("Negotiate");
            }
            if (offerNtlm) {
                offers.add("NTLM");
            }
            h.put(challengeHeader, offers);
        }
        respond(ex, challengeStatus, DENIED, h);
    }

    private void page(HttpExchange ex, String user, String mutual) throws IOException {
        Map<String, List<String>> h = new HashMap<>();
        if (mutual != null) {
            h.put(challengeHeader, List.of(mutual));
        }
        h.put("Persistent-Auth", List.of("true"));
        if (ex.getRequestURI().getPath().equals("/")) {
            respond(ex, 200, String.format(PAGE, user), h);
        } else {
            respond(ex, 404, NOT_FOUND, h);
        }
    }

    private static void respond(HttpExchange ex, int status, String body, Map<String, List<String>> extra) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.ISO_8859_1);
        var h = ex.getResponseHeaders();
        h.add("Content-Type", "text/html");
        h.add("Server", "Microsoft-IIS/10.0");
        extra.forEach((k, v) -> v.forEach(x -> h.add(k, x)));
        h.add("X-Powered-By", "ASP.NET");
        ex.sendResponseHeaders(status, b.length);
        try (OutputStream os = ex.getResponseBody()) {
            os.write(b);
        }
    }

    private void event(String what) {
        log.println("EVENT " + what);
        log.flush();
    }

    private static Oid oid(String s) {
        try {
            return new Oid(s);
        } catch (GSSException e) {
            throw new IllegalStateException(e);
        }
    }
}
