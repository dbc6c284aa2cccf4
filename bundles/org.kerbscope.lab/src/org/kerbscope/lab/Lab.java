package org.kerbscope.lab;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

import org.kerbscope.lab.child.DnsMessage.Record;
import org.kerbscope.lab.internal.ChildJvm;
import org.kerbscope.lab.internal.LabDnsServer;
import org.kerbscope.lab.internal.LabKdc;
import org.kerbscope.lab.record.LabEndpoint;
import org.kerbscope.lab.record.Recorder;
import org.kerbscope.lab.record.Relay;

/**
 * The guide's environment on loopback, stood up in one call and recorded: a KDC (Apache Kerby) and a DNS server on
 * the "domain controller" {@value #DC_IP}, a SPNEGO web site on "IISServer" {@value #WEB_IP} (its own JVM, under
 * libfaketime when its clock must be wrong), and a browser on "Client1" {@value #CLIENT_IP} (its own JVM) whose
 * every packet passes a recording relay that writes the capture. Nothing needs root; only 127.0.0.1 is ever
 * contacted; the 192.168.2.x addresses exist only inside the capture.
 *
 * <pre>
 * try (Lab lab = Lab.start(Lab.Setup.standard(), Path.of("out.pcapng"), "what this capture shows")) {
 *     Lab.ClientRun run = lab.browse();
 * }
 * </pre>
 * Closing the lab finishes the capture; the keys that decrypt it are in {@link #keytab()} beside the capture.
 */
public final class Lab implements AutoCloseable {

    public static final String REALM = "CONTOSO.COM";
    public static final String DOMAIN = "CONTOSO";
    public static final String CLIENT_IP = "192.168.2.101";
    public static final String DC_IP = "192.168.2.10";
    public static final String WEB_IP = "192.168.2.104";
    public static final String WEB_HOST = "iisserver.contoso.com";
    public static final String USER = "john";
    public static final String PASSWORD = "Pa55w.rd";
    /** A password John does not have (the wrong-password scenario types it). */
    public static final String WRONG_PASSWORD = "Pa55w.rd-old";

    /**
     * How one lab run is set up: the site the browser opens, and what is broken.
     *
     * @param siteUrl the address typed into the browser
     * @param kdcOverTcp the client talks to the KDC over TCP ({@code udp_preference_limit = 1})
     * @param webSpns the web site's service principals registered in the KDC (its keytab holds their keys)
     * @param staleServerKeytab the site's keytab holds the keys before the last password reset (older kvno)
     * @param serverAuth the schemes the site offers: {@code negotiate,ntlm}, {@code ntlm} or {@code negotiate}
     * @param webServerListening false: nothing listens on port 80
     * @param serverClock libfaketime offset for the web server ({@code +10m}), or null
     * @param clientClock libfaketime offset for the client, or null
     * @param clientUser the account the client logs on with (must exist in the KDC to log on)
     * @param clientPassword the password the client types
     * @param ntlmFallback the client may fall back to NTLM when Kerberos cannot be used (Windows' default)
     * @param spnFromCanonicalName the client builds the SPN from the name DNS ended at after CNAMEs, as Windows
     *        browsers do; false: from the name in the address bar
     * @param httpProxy the browser's proxy ({@code proxy.contoso.com:8080}), which the web server then plays: it
     *        answers 407 with Proxy-Authenticate and reads Proxy-Authorization; null: the browser goes to the site
     */
    public record Setup(String siteUrl, boolean kdcOverTcp, List<String> webSpns, boolean staleServerKeytab, String serverAuth,
            boolean webServerListening, String serverClock, String clientClock, String clientUser, String clientPassword,
            boolean ntlmFallback, boolean spnFromCanonicalName, String httpProxy) {

        /** The guide's working environment. */
        public static Setup standard() {
            return new Setup("http://" + WEB_HOST + "/", false, List.of("HTTP/" + WEB_HOST, "host/" + WEB_HOST), false,
                    "negotiate,ntlm", true, null, null, USER, PASSWORD, true, true, null);
        }

        public Setup site(String url) {
            return new Setup(url, kdcOverTcp, webSpns, staleServerKeytab, serverAuth, webServerListening, serverClock, clientClock,
                    clientUser, clientPassword, ntlmFallback, spnFromCanonicalName, httpProxy);
        }

        public Setup kdcOverTcp(boolean tcp) {
            return new Setup(siteUrl, tcp, webSpns, staleServerKeytab, serverAuth, webServerListening, serverClock, clientClock,
                    clientUser, clientPassword, ntlmFallback, spnFromCanonicalName, httpProxy);
        }

        public Setup webSpns(List<String> spns) {
            return new Setup(siteUrl, kdcOverTcp, List.copyOf(spns), staleServerKeytab, serverAuth, webServerListening, serverClock,
                    clientClock, clientUser, clientPassword, ntlmFallback, spnFromCanonicalName, httpProxy);
        }

        public Setup staleServerKeytab(boolean stale) {
            return new Setup(siteUrl, kdcOverTcp, webSpns, stale, serverAuth, webServerListening, serverClock, clientClock,
                    clientUser, clientPassword, ntlmFallback, spnFromCanonicalName, httpProxy);
        }

        public Setup serverAuth(String schemes) {
            return new Setup(siteUrl, kdcOverTcp, webSpns, staleServerKeytab, schemes, webServerListening, serverClock, clientClock,
                    clientUser, clientPassword, ntlmFallback, spnFromCanonicalName, httpProxy);
        }

        public Setup webServerListening(boolean listening) {
            return new Setup(siteUrl, kdcOverTcp, webSpns, staleServerKeytab, serverAuth, listening, serverClock, clientClock,
                    clientUser, clientPassword, ntlmFallback, spnFromCanonicalName, httpProxy);
        }

        public Setup serverClock(String offset) {
            return new Setup(siteUrl, kdcOverTcp, webSpns, staleServerKeytab, serverAuth, webServerListening, offset, clientClock,
                    clientUser, clientPassword, ntlmFallback, spnFromCanonicalName, httpProxy);
        }

        public Setup clientClock(String offset) {
            return new Setup(siteUrl, kdcOverTcp, webSpns, staleServerKeytab, serverAuth, webServerListening, serverClock, offset,
                    clientUser, clientPassword, ntlmFallback, spnFromCanonicalName, httpProxy);
        }

        public Setup client(String user, String password) {
            return new Setup(siteUrl, kdcOverTcp, webSpns, staleServerKeytab, serverAuth, webServerListening, serverClock, clientClock,
                    user, password, ntlmFallback, spnFromCanonicalName, httpProxy);
        }

        public Setup ntlmFallback(boolean allowed) {
            return new Setup(siteUrl, kdcOverTcp, webSpns, staleServerKeytab, serverAuth, webServerListening, serverClock, clientClock,
                    clientUser, clientPassword, allowed, spnFromCanonicalName, httpProxy);
        }

        public Setup spnFromCanonicalName(boolean canonical) {
            return new Setup(siteUrl, kdcOverTcp, webSpns, staleServerKeytab, serverAuth, webServerListening, serverClock, clientClock,
                    clientUser, clientPassword, ntlmFallback, canonical, httpProxy);
        }

        public Setup httpProxy(String hostPort) {
            return new Setup(siteUrl, kdcOverTcp, webSpns, staleServerKeytab, serverAuth, webServerListening, serverClock, clientClock,
                    clientUser, clientPassword, ntlmFallback, spnFromCanonicalName, hostPort);
        }

        /** Why this setup cannot run here (a tool it needs is missing), or empty. */
        public Optional<String> missing() {
            if ((serverClock != null || clientClock != null) && !onPath("faketime")) {
                return Optional.of("libfaketime's 'faketime' command is not installed (Debian/Ubuntu: apt-get install faketime)");
            }
            if (siteUrl.regionMatches(true, 0, "https:", 0, 6) && !Files.isExecutable(keytool())) {
                return Optional.of("an https site needs the JDK's keytool for its certificate, and " + keytool() + " is not there"
                        + " (run the lab on a JDK, not a JRE)");
            }
            return Optional.empty();
        }
    }

    /** What the browser did: its steps in order and how it ended ({@code RESULT outcome detail}). */
    public record ClientRun(String outcome, String detail, List<String> steps) {
    }

    private final Setup setup;
    private final Path capture;
    private final Path keytab;
    private final Path serverKeytabCopy;
    private final Path work;
    private final Recorder recorder;
    private final Relay relay;
    private final LabKdc kdc;
    private final LabDnsServer dns;
    private final ChildJvm web;
    private final int kdcPort;
    private final int dnsPort;
    private final int socksPort;
    /** For an https site: its certificate (PEM), which the browser trusts; else null. */
    private final Path siteCertificate;

    private Lab(Setup setup, Path capture, String comment) throws IOException {
        this.setup = setup;
        this.capture = capture.toAbsolutePath();
        String stem = stem(this.capture);
        this.keytab = this.capture.resolveSibling(stem + ".keytab");
        this.serverKeytabCopy = setup.staleServerKeytab() ? this.capture.resolveSibling(stem + ".server.keytab") : null;
        Optional<String> missing = setup.missing();
        if (missing.isPresent()) {
            throw new IOException("this lab setup cannot run here: " + missing.get());
        }
        Files.createDirectories(this.capture.getParent());
        this.work = Files.createTempDirectory("kerbscope-lab-");
        Recorder rec = null;
        Relay rel = null;
        LabKdc k = null;
        LabDnsServer d = null;
        ChildJvm w = null;
        try {
            rec = new Recorder(this.capture, comment);
            rel = new Relay(rec, CLIENT_IP);
            k = new LabKdc(work.resolve("kdc"), REALM);
            k.createPrincipal(USER, PASSWORD);
            Path serverKeytab = work.resolve("web.keytab");
            for (String spn : setup.webSpns()) {
                k.createPrincipal(spn, UUID.randomUUID().toString());
            }
            if (!setup.webSpns().isEmpty()) {
                k.exportKeytab(serverKeytab, setup.webSpns());
            }
            if (setup.staleServerKeytab()) {
                // The account's password was reset after the keytab was made: the KDC now issues tickets with kvno 2.
                for (String spn : setup.webSpns()) {
                    k.changePassword(spn, UUID.randomUUID().toString());
                }
                Files.copy(serverKeytab, serverKeytabCopy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
            k.exportKeytab(keytab, List.of());
            d = new LabDnsServer(zone());
            int kp = rel.listen(new LabEndpoint(DC_IP, 88), k.address(), true, true);
            int dp = rel.listen(new LabEndpoint(DC_IP, 53), d.address(), true, true);
            URI site = URI.create(setup.siteUrl());
            boolean https = "https".equalsIgnoreCase(site.getScheme());
            Path certificate = null;
            if (setup.webServerListening()) {
                List<String> tlsArgs = List.of();
                if (https) {
                    Path keystore = work.resolve("web.p12");
                    certificate = work.resolve("web.pem");
                    selfSigned(keystore, certificate, List.of(site.getHost(), WEB_HOST));
                    tlsArgs = List.of("--tls-keystore", keystore.toString(), "--tls-password", KEYSTORE_PASSWORD);
                }
                Path conf = work.resolve("krb5-server.conf");
                Files.writeString(conf, "[libdefaults]\n default_realm = " + REALM + "\n dns_lookup_kdc = false\n"
                        + " dns_canonicalize_hostname = false\n rdns = false\n"
                        + " permitted_enctypes = aes256-cts-hmac-sha1-96 aes128-cts-hmac-sha1-96\n"
                        + "[realms]\n " + REALM + " = {\n  kdc = 127.0.0.1:" + k.address().getPort() + "\n }\n");
                List<String> args = new ArrayList<>(List.of("--auth", setup.serverAuth(), "--keytab", serverKeytab.toString(),
                        "--principal", "*", "--host", WEB_HOST, "--domain", DOMAIN, "--user", USER, "--password", PASSWORD,
                        "--proxy", String.valueOf(setup.httpProxy() != null && !https),
                        // an https site behind the proxy: the proxy only tunnels, the site asks for credentials
                        "--tunnel", String.valueOf(setup.httpProxy() != null && https)));
                args.addAll(tlsArgs);
                Map<String, String> props = Map.of("java.security.krb5.conf", conf.toString(),
                        "javax.security.auth.useSubjectCredsOnly", "true", "java.net.preferIPv4Stack", "true");
                w = ChildJvm.start(ChildJvm.WEB_SERVER_MAIN, args, props, fakeTimeEnv(setup.serverClock()), fakeTime(setup.serverClock()),
                        null, work.resolve("web.err"));
                String listening = w.awaitLine("LISTENING ", 60);
                int port = Integer.parseInt(listening.substring("LISTENING ".length()).trim());
                int labPort = setup.httpProxy() != null ? Integer.parseInt(setup.httpProxy().replaceAll(".*:", ""))
                        : site.getPort() > 0 ? site.getPort() : https ? 443 : 80;
                rel.route(new LabEndpoint(WEB_IP, labPort), new InetSocketAddress("127.0.0.1", port));
            }
            int sp = rel.socksPort();
            this.recorder = rec;
            this.relay = rel;
            this.kdc = k;
            this.dns = d;
            this.web = w;
            this.kdcPort = kp;
            this.dnsPort = dp;
            this.socksPort = sp;
            this.siteCertificate = certificate;
        } catch (IOException | RuntimeException e) {
            quietly(w == null ? null : w::stop);
            quietly(rel == null ? null : rel::close);
            quietly(rec == null ? null : rec::close);
            quietly(k == null ? null : k::close);
            quietly(d == null ? null : d::close);
            deleteTree(work);
            throw e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while the lab started", e);
        }
    }

    /**
     * Stands the lab up as {@code setup} says and starts recording into {@code capture} (pcapng), whose section
     * comment is {@code comment}. The keytab with every KDC key is written beside it now.
     */
    public static Lab start(Setup setup, Path capture, String comment) throws IOException {
        return new Lab(setup, capture, comment);
    }

    /** Runs the browser once against the site, in its own JVM, and waits for it and its connections to end. */
    public ClientRun browse() throws IOException {
        Path krb5 = work.resolve("krb5-client.conf");
        List<String> args = new ArrayList<>(List.of("--url", setup.siteUrl(), "--user", setup.clientUser(), "--password",
                setup.clientPassword(), "--realm", REALM, "--domain", DOMAIN, "--workstation", "CLIENT1",
                "--dns", "127.0.0.1:" + dnsPort, "--socks", "127.0.0.1:" + socksPort,
                "--map", DC_IP + ":88=127.0.0.1:" + kdcPort + "," + DC_IP + ":53=127.0.0.1:" + dnsPort,
                "--kdc-transport", setup.kdcOverTcp() ? "tcp" : "udp", "--krb5", krb5.toString(),
                "--ntlm", setup.ntlmFallback() ? "fallback" : "never", "--spn", setup.spnFromCanonicalName() ? "canonical" : "url"));
        if (setup.httpProxy() != null) {
            args.addAll(List.of("--http-proxy", setup.httpProxy()));
        }
        if (siteCertificate != null) {
            args.addAll(List.of("--tls-cert", siteCertificate.toString()));
        }
        Map<String, String> props = new HashMap<>();
        props.put("kerbscope.lab.dns", "127.0.0.1:" + dnsPort);
        props.put("java.net.preferIPv4Stack", "true");
        props.put("javax.security.auth.useSubjectCredsOnly", "true");
        props.put("networkaddress.cache.ttl", "30");
        Map<String, String> env = new HashMap<>(fakeTimeEnv(setup.clientClock()));
        // No ticket cache from the machine running the lab may leak into the client's logon.
        env.put("KRB5CCNAME", "FILE:" + work.resolve("no-such-ccache"));
        Path services = ChildJvm.resolverServices(work.resolve("client-services"));
        ChildJvm client = ChildJvm.start(ChildJvm.CLIENT_MAIN, args, props, env, fakeTime(setup.clientClock()), services,
                work.resolve("client.err"));
        try {
            String result = client.awaitLine("RESULT ", 120);
            client.awaitExit(10);
            relay.awaitQuiet(3000);
            List<String> steps = new ArrayList<>();
            for (String line : client.output()) {
                if (line.startsWith("STEP ")) {
                    steps.add(line.substring(5));
                }
            }
            String rest = result.substring("RESULT ".length());
            int sp = rest.indexOf(' ');
            return new ClientRun(sp < 0 ? rest : rest.substring(0, sp), sp < 0 ? "" : rest.substring(sp + 1), steps);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while the lab client ran", e);
        } finally {
            client.stop();
        }
    }

    /** What the web site decided, one line per authentication ({@code ACCEPTED …}, {@code REJECTED …}). */
    public List<String> serverEvents() {
        List<String> out = new ArrayList<>();
        if (web != null) {
            for (String line : web.output()) {
                if (line.startsWith("EVENT ")) {
                    out.add(line.substring(6));
                }
            }
        }
        return out;
    }

    public Path capture() {
        return capture;
    }

    /** Every key of the lab KDC (krbtgt, the user, the service principals) in a keytab beside the capture. */
    public Path keytab() {
        return keytab;
    }

    /** The web site's own (stale) keytab beside the capture, when the setup made it stale; else null. */
    public Path serverKeytab() {
        return serverKeytabCopy;
    }

    /** Frames recorded so far. */
    public long frames() {
        return recorder.frames();
    }

    private boolean closed;

    @Override
    public synchronized void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            relay.awaitQuiet(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (web != null) {
            web.stop();
        }
        relay.close();
        recorder.close();
        quietly(dns::close);
        quietly(kdc::close);
        deleteTree(work);
    }

    /** The lab zone: contoso.com as the guide's domain controller serves it, plus the names the scenarios use. */
    public static List<Record> zone() {
        return List.of(
                Record.soa("contoso.com", "dca.contoso.com", "hostmaster.contoso.com", 2022112801),
                Record.a("contoso.com", DC_IP),
                Record.a("dca.contoso.com", DC_IP),
                Record.a("client1.contoso.com", CLIENT_IP),
                Record.a(WEB_HOST, WEB_IP),
                // a second name for the web server with no SPN of its own (spn-unknown, ntlm-fallback)
                Record.a("intranet.contoso.com", WEB_IP),
                // an alias whose SPN is registered, while the browser asks for the canonical name's (cname-alias)
                Record.cname("www.contoso.com", WEB_HOST),
                // the web proxy's name (proxy-spn-unknown: the web server plays the proxy, with no SPN for this name)
                Record.a("proxy.contoso.com", WEB_IP),
                Record.srv("_kerberos._udp.contoso.com", 0, 100, 88, "dca.contoso.com"),
                Record.srv("_kerberos._tcp.contoso.com", 0, 100, 88, "dca.contoso.com"),
                Record.srv("_kerberos._tcp.dc._msdcs.contoso.com", 0, 100, 88, "dca.contoso.com"),
                Record.srv("_ldap._tcp.dc._msdcs.contoso.com", 0, 100, 389, "dca.contoso.com"),
                Record.ptr("10.2.168.192.in-addr.arpa", "dca.contoso.com"),
                Record.ptr("101.2.168.192.in-addr.arpa", "client1.contoso.com"),
                Record.ptr("104.2.168.192.in-addr.arpa", WEB_HOST));
    }

    private static List<String> fakeTime(String offset) {
        return offset == null ? List.of() : List.of("faketime", "-f", offset);
    }

    private static Map<String, String> fakeTimeEnv(String offset) {
        // Only the wall clock is shifted: a JVM's monotonic clock jumping would upset its timers.
        return offset == null ? Map.of() : Map.of("DONT_FAKE_MONOTONIC", "1");
    }

    static boolean onPath(String tool) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }

    private static final String KEYSTORE_PASSWORD = "kerbscope-lab";

    /**
     * A key pair and a self-signed certificate for an https site, valid for {@code names}, made by the JDK's keytool
     * (into {@code keystore}, PKCS#12) with the certificate also in {@code pem} for the browser to trust.
     */
    private static void selfSigned(Path keystore, Path pem, List<String> names) throws IOException, InterruptedException {
        String keytool = keytool().toString();
        String san = "SAN=" + String.join(",", names.stream().distinct().map(n -> "dns:" + n).toList());
        run(List.of(keytool, "-genkeypair", "-alias", "web", "-keyalg", "EC", "-groupname", "secp256r1", "-dname",
                "CN=" + names.get(0), "-ext", san, "-validity", "30", "-storetype", "PKCS12", "-keystore", keystore.toString(),
                "-storepass", KEYSTORE_PASSWORD, "-keypass", KEYSTORE_PASSWORD));
        run(List.of(keytool, "-exportcert", "-rfc", "-alias", "web", "-keystore", keystore.toString(), "-storepass",
                KEYSTORE_PASSWORD, "-file", pem.toString()));
    }

    static Path keytool() {
        return Path.of(System.getProperty("java.home"), "bin", "keytool");
    }

    private static void run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IOException(command.get(1) + " failed: " + out.trim());
        }
    }

    static String stem(Path file) {
        String n = file.getFileName().toString();
        return n.endsWith(".pcapng") ? n.substring(0, n.length() - 7) : n.contains(".") ? n.substring(0, n.lastIndexOf('.')) : n;
    }

    private interface IoAction {
        void run() throws IOException;
    }

    private static void quietly(IoAction a) {
        if (a == null) {
            return;
        }
        try {
            a.run();
        } catch (IOException | RuntimeException e) {
            // tearing down after a failure: the first error is the one worth reporting
        }
    }

    private static void deleteTree(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            // a temp folder left behind is harmless
        }
    }
}
