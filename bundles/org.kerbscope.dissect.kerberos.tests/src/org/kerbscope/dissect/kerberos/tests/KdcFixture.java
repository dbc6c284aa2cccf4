package org.kerbscope.dissect.kerberos.tests;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import javax.security.auth.Subject;
import javax.security.auth.callback.Callback;
import javax.security.auth.callback.NameCallback;
import javax.security.auth.callback.PasswordCallback;
import javax.security.auth.login.AppConfigurationEntry;
import javax.security.auth.login.Configuration;
import javax.security.auth.login.LoginContext;
import javax.security.auth.login.LoginException;

import org.apache.kerby.kerberos.kerb.client.KrbClient;
import org.apache.kerby.kerberos.kerb.server.SimpleKdcServer;

/**
 * A real KDC (Apache Kerby's SimpleKdcServer) on loopback behind a relay that copies every byte clients and
 * KDC exchange, so that tests read what real Kerberos stacks put on the wire. The JDK's Kerberos (JAAS
 * Krb5LoginModule + JGSS) and Kerby's own client both talk to the relay. One KDC serves the whole test run.
 */
final class KdcFixture {
    static final String REALM = "EXAMPLE.TEST";
    static final String USER = "alice@" + REALM;
    static final String PASSWORD = "alice-Secret-1";
    static final String SERVICE = "HTTP/web.example.test@" + REALM;

    /** What crossed the relay: one UDP datagram, or one TCP read, in one direction. */
    record Captured(String transport, int connection, boolean fromClient, byte[] bytes) {
    }

    private static KdcFixture instance;

    final Path dir;
    final Path serviceKeytab;
    final Path allKeytab;
    final int relayPort;
    private final SimpleKdcServer kdc;
    private final List<Captured> captured = new ArrayList<>();
    private final AtomicInteger activePumps = new AtomicInteger();
    private final AtomicInteger connections = new AtomicInteger();

    static synchronized KdcFixture get() throws Exception {
        if (instance == null) {
            instance = new KdcFixture();
            KdcFixture k = instance;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    k.kdc.stop();
                } catch (Exception e) {
                    // the JVM is going away anyway
                }
            }));
        }
        return instance;
    }

    private KdcFixture() throws Exception {
        dir = org.kerbscope.testing.TempDirs.create("kerbscope-kdc");
        kdc = new SimpleKdcServer();
        kdc.setWorkDir(dir.toFile());
        kdc.setKdcHost("127.0.0.1");
        kdc.setKdcRealm(REALM);
        kdc.setAllowUdp(true);
        kdc.setAllowTcp(true);
        int kdcPort = freePort();
        kdc.setKdcTcpPort(kdcPort);
        kdc.setKdcUdpPort(kdcPort);
        kdc.init();
        kdc.start();
        kdc.createPrincipal(USER, PASSWORD);
        kdc.createPrincipal(SERVICE, "web-Secret-2");
        serviceKeytab = dir.resolve("service.keytab");
        kdc.exportPrincipal(SERVICE, serviceKeytab.toFile());
        allKeytab = dir.resolve("all.keytab");
        kdc.exportPrincipals(allKeytab.toFile());
        relayPort = freePort();
        startUdpRelay(relayPort, kdcPort);
        startTcpRelay(relayPort, kdcPort);
        Path conf = dir.resolve("krb5.conf");
        Files.writeString(conf, """
                [libdefaults]
                 default_realm = %s
                 dns_lookup_kdc = false
                 dns_lookup_realm = false
                 dns_canonicalize_hostname = false
                 rdns = false
                 udp_preference_limit = 4096
                 default_tkt_enctypes = aes128-cts-hmac-sha1-96 aes256-cts-hmac-sha1-96
                 default_tgs_enctypes = aes128-cts-hmac-sha1-96 aes256-cts-hmac-sha1-96
                 permitted_enctypes = aes128-cts-hmac-sha1-96 aes256-cts-hmac-sha1-96
                [realms]
                 %s = {
                  kdc = 127.0.0.1:%d
                 }
                """.formatted(REALM, REALM, relayPort));
        System.setProperty("java.security.krb5.conf", conf.toString());
        System.setProperty("javax.security.auth.useSubjectCredsOnly", "true");
    }

    /** Kerby's client, pointed at the relay. */
    KrbClient kerbyClient(boolean udp) throws Exception {
        KrbClient c = new KrbClient();
        c.setKdcHost("127.0.0.1");
        c.setKdcRealm(REALM);
        c.setKdcTcpPort(relayPort);
        c.setKdcUdpPort(relayPort);
        c.setAllowUdp(udp);
        c.setAllowTcp(!udp);
        c.setTimeout(5000);
        c.init();
        return c;
    }

    /** Where the capture currently ends; pass it to {@link #since} after an exchange. */
    int mark() throws InterruptedException {
        settle();
        synchronized (captured) {
            return captured.size();
        }
    }

    /** What crossed the relay after the mark, once the connections have closed. */
    List<Captured> since(int mark) throws InterruptedException {
        settle();
        synchronized (captured) {
            return new ArrayList<>(captured.subList(mark, captured.size()));
        }
    }

    /** The TCP streams after the mark: connection → [client bytes, server bytes]. */
    static Map<Integer, byte[][]> streams(List<Captured> list) {
        Map<Integer, ByteArrayOutputStream[]> acc = new HashMap<>();
        for (Captured c : list) {
            if (c.transport().equals("tcp")) {
                ByteArrayOutputStream[] s = acc.computeIfAbsent(c.connection(),
                        k -> new ByteArrayOutputStream[] { new ByteArrayOutputStream(), new ByteArrayOutputStream() });
                s[c.fromClient() ? 0 : 1].writeBytes(c.bytes());
            }
        }
        Map<Integer, byte[][]> out = new HashMap<>();
        acc.forEach((k, v) -> out.put(k, new byte[][] { v[0].toByteArray(), v[1].toByteArray() }));
        return out;
    }

    private void settle() throws InterruptedException {
        for (int i = 0; i < 100 && activePumps.get() > 0; i++) {
            Thread.sleep(20);
        }
    }

    /** A JAAS login with the JDK's Krb5LoginModule: with a password (client) or a keytab (service). */
    Subject login(String principal, String password, Path keytab) throws LoginException {
        Map<String, String> opts = new HashMap<>();
        opts.put("principal", principal);
        opts.put("storeKey", "true");
        opts.put("refreshKrb5Config", "true");
        if (keytab != null) {
            opts.put("useKeyTab", "true");
            opts.put("keyTab", keytab.toString());
            opts.put("doNotPrompt", "true");
            opts.put("isInitiator", "false");
        }
        Configuration conf = new Configuration() {
            @Override
            public AppConfigurationEntry[] getAppConfigurationEntry(String name) {
                return new AppConfigurationEntry[] { new AppConfigurationEntry(
                        "com.sun.security.auth.module.Krb5LoginModule",
                        AppConfigurationEntry.LoginModuleControlFlag.REQUIRED, opts) };
            }
        };
        Subject s = new Subject();
        LoginContext lc = new LoginContext("kerbscope-test", s, (Callback[] cbs) -> {
            for (Callback cb : cbs) {
                if (cb instanceof NameCallback n) {
                    n.setName(principal);
                } else if (cb instanceof PasswordCallback p) {
                    p.setPassword(password.toCharArray());
                }
            }
        }, conf);
        lc.login();
        return s;
    }

    private static int freePort() throws IOException {
        for (int i = 0; i < 50; i++) {
            try (ServerSocket s = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
                    DatagramSocket d = new DatagramSocket(s.getLocalPort(), InetAddress.getLoopbackAddress())) {
                return s.getLocalPort();
            } catch (IOException e) {
                // that number is taken for UDP: try another
            }
        }
        throw new IOException("no free TCP+UDP port on loopback");
    }

    private void record(Captured c) {
        synchronized (captured) {
            captured.add(c);
        }
    }

    private void startUdpRelay(int port, int kdcPort) throws IOException {
        DatagramSocket front = new DatagramSocket(port, InetAddress.getLoopbackAddress());
        Thread t = new Thread(() -> {
            byte[] buf = new byte[65535];
            while (!front.isClosed()) {
                try {
                    DatagramPacket req = new DatagramPacket(buf, buf.length);
                    front.receive(req);
                    byte[] q = java.util.Arrays.copyOf(req.getData(), req.getLength());
                    activePumps.incrementAndGet();
                    try (DatagramSocket back = new DatagramSocket()) {
                        record(new Captured("udp", 0, true, q));
                        back.setSoTimeout(5000);
                        back.send(new DatagramPacket(q, q.length, InetAddress.getLoopbackAddress(), kdcPort));
                        byte[] rb = new byte[65535];
                        DatagramPacket rep = new DatagramPacket(rb, rb.length);
                        back.receive(rep);
                        byte[] r = java.util.Arrays.copyOf(rep.getData(), rep.getLength());
                        record(new Captured("udp", 0, false, r));
                        front.send(new DatagramPacket(r, r.length, req.getSocketAddress()));
                    } finally {
                        activePumps.decrementAndGet();
                    }
                } catch (IOException e) {
                    // a lost datagram: the client retries, as it would on a network
                }
            }
        }, "udp-relay");
        t.setDaemon(true);
        t.start();
    }

    private void startTcpRelay(int port, int kdcPort) throws IOException {
        ServerSocket server = new ServerSocket();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        Thread t = new Thread(() -> {
            while (!server.isClosed()) {
                try {
                    Socket client = server.accept();
                    Socket back = new Socket(InetAddress.getLoopbackAddress(), kdcPort);
                    int id = connections.incrementAndGet();
                    pump(client, back, id, true);
                    pump(back, client, id, false);
                } catch (IOException e) {
                    // the next connection may work
                }
            }
        }, "tcp-relay");
        t.setDaemon(true);
        t.start();
    }

    private void pump(Socket from, Socket to, int id, boolean fromClient) {
        activePumps.incrementAndGet();
        Thread t = new Thread(() -> {
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                byte[] buf = new byte[8192];
                int n;
                while ((n = in.read(buf)) > 0) {
                    record(new Captured("tcp", id, fromClient, java.util.Arrays.copyOf(buf, n)));
                    out.write(buf, 0, n);
                    out.flush();
                }
            } catch (IOException e) {
                // the other side closed first
            } finally {
                try {
                    to.shutdownOutput();
                } catch (IOException e) {
                    // already closed
                }
                activePumps.decrementAndGet();
            }
        }, "tcp-pump");
        t.setDaemon(true);
        t.start();
    }
}
