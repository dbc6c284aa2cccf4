package org.kerbscope.cifs.tests;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import javax.security.auth.Subject;
import javax.security.auth.callback.Callback;
import javax.security.auth.callback.PasswordCallback;
import javax.security.auth.login.AppConfigurationEntry;
import javax.security.auth.login.Configuration;
import javax.security.auth.login.LoginContext;

import org.apache.kerby.kerberos.kerb.server.SimpleKdcServer;
import org.ietf.jgss.GSSContext;
import org.ietf.jgss.GSSCredential;
import org.ietf.jgss.GSSException;
import org.ietf.jgss.GSSManager;
import org.ietf.jgss.Oid;

/**
 * Real Kerberos for the tests: a Kerby KDC on loopback (TCP), reached through a relay that records every KDC
 * exchange's bytes, and the JDK's JGSS as the SMB client's and file server's SPNEGO mechanism. Made once per run.
 * <ul>
 * <li>{@link #init}/{@link #resp}: SPNEGO NegTokenInit with the AP-REQ for cifs/files.cifs.test, and the server's
 * NegTokenResp with the AP-REP;</li>
 * <li>{@link #exchanges}: the recorded KDC exchanges (AS, then TGS for cifs/files.cifs.test);</li>
 * <li>{@link #unknownSpn}: the TGS exchange for cifs/alias.cifs.test, which the KDC answers with KRB-ERROR 7.</li>
 * </ul>
 */
final class Kdc {
    static final String REALM = "CIFS.TEST";
    static final String HOST = "files.cifs.test";
    static final String ALIAS = "alias.cifs.test";
    static final String SERVICE = "cifs/" + HOST + "@" + REALM;

    /** One TCP exchange with the KDC: what the client sent, what the KDC answered (RFC 4120 7.2.2 framing). */
    record Exchange(byte[] request, byte[] reply) {
    }

    private static Kdc instance;

    final byte[] init;
    final byte[] resp;
    final List<Exchange> exchanges;
    final Exchange unknownSpn;

    static synchronized Kdc get() throws Exception {
        if (instance == null) {
            instance = new Kdc();
        }
        return instance;
    }

    private Kdc() throws Exception {
        Path dir = org.kerbscope.testing.TempDirs.create("kerbscope-cifs");
        int kdcPort = freePort();
        SimpleKdcServer kdc = new SimpleKdcServer();
        kdc.setWorkDir(dir.toFile());
        kdc.setKdcHost("127.0.0.1");
        kdc.setKdcRealm(REALM);
        kdc.setAllowUdp(false);
        kdc.setKdcTcpPort(kdcPort);
        kdc.init();
        kdc.start();
        Relay relay = new Relay(kdcPort);
        try {
            kdc.createPrincipal("john@" + REALM, "John-Secret-1");
            kdc.createPrincipal(SERVICE, "Files-Secret-2");
            Path keytab = dir.resolve("files.keytab");
            kdc.exportPrincipal(SERVICE, keytab.toFile());
            Path conf = dir.resolve("krb5.conf");
            Files.writeString(conf, """
                    [libdefaults]
                     default_realm = %s
                     dns_lookup_kdc = false
                     udp_preference_limit = 1
                     permitted_enctypes = aes256-cts-hmac-sha1-96 aes128-cts-hmac-sha1-96
                    [realms]
                     %s = {
                      kdc = 127.0.0.1:%d
                     }
                    """.formatted(REALM, REALM, relay.port()));
            System.setProperty("java.security.krb5.conf", conf.toString());
            Subject client = login("john@" + REALM, "John-Secret-1", null);
            Subject server = login(SERVICE, null, keytab);
            GSSManager m = GSSManager.getInstance();
            Oid spnego = new Oid(Smb.SPNEGO);
            Oid principal = new Oid("1.2.840.113554.1.2.2.1");
            GSSContext ic = Subject.callAs(client, () -> {
                GSSContext c = m.createContext(m.createName(SERVICE, principal), spnego, null, GSSContext.DEFAULT_LIFETIME);
                c.requestMutualAuth(true);
                return c;
            });
            init = Subject.callAs(client, () -> ic.initSecContext(new byte[0], 0, 0));
            GSSContext ac = Subject.callAs(server, () -> m.createContext((GSSCredential) null));
            resp = Subject.callAs(server, () -> ac.acceptSecContext(init, 0, init.length));
            // the relay stores an exchange just after the client got its reply: wait for the TGS exchange to land
            relay.awaitMatching(x -> tag(x.reply()) == 0x6d);
            exchanges = relay.await();
            try {
                Subject.callAs(client, () -> m.createContext(m.createName("cifs/" + ALIAS + "@" + REALM, principal), spnego,
                        null, GSSContext.DEFAULT_LIFETIME).initSecContext(new byte[0], 0, 0));
            } catch (Exception e) {
                if (!(e.getCause() instanceof GSSException) && !(e instanceof GSSException)) {
                    throw e;
                }
            }
            unknownSpn = relay.awaitMatching(x -> tag(x.request()) == 0x6c && tag(x.reply()) == 0x7e);
        } finally {
            relay.close();
            kdc.stop();
        }
    }

    /** The application tag of a recorded Kerberos message (0x6c TGS-REQ, 0x6d TGS-REP, 0x7e KRB-ERROR). */
    static int tag(byte[] record) {
        return record.length > 4 ? record[4] & 0xff : -1;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static Subject login(String principal, String password, Path keytab) throws Exception {
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
                return new AppConfigurationEntry[] { new AppConfigurationEntry("com.sun.security.auth.module.Krb5LoginModule",
                        AppConfigurationEntry.LoginModuleControlFlag.REQUIRED, opts) };
            }
        };
        Subject s = new Subject();
        new LoginContext("cifs-test", s, (Callback[] cbs) -> {
            for (Callback cb : cbs) {
                if (cb instanceof PasswordCallback p) {
                    p.setPassword(password.toCharArray());
                }
            }
        }, conf).login();
        return s;
    }

    /** Forwards each client connection to the KDC and keeps both directions' bytes. */
    private static final class Relay implements AutoCloseable {
        private final ServerSocket listen;
        private final List<Exchange> done = new ArrayList<>();

        Relay(int kdcPort) throws IOException {
            listen = new ServerSocket(0);
            Thread t = new Thread(() -> {
                while (!listen.isClosed()) {
                    try (Socket c = listen.accept(); Socket k = new Socket("127.0.0.1", kdcPort)) {
                        byte[] req = readMessage(c.getInputStream());
                        k.getOutputStream().write(req);
                        byte[] rep = readMessage(k.getInputStream());
                        c.getOutputStream().write(rep);
                        synchronized (done) {
                            done.add(new Exchange(req, rep));
                            done.notifyAll();
                        }
                    } catch (IOException e) {
                        // the listener closed: the recording is over
                    }
                }
            }, "kdc-relay");
            t.setDaemon(true);
            t.start();
        }

        int port() {
            return listen.getLocalPort();
        }

        /** A Kerberos TCP record: 4-byte big-endian length, then that many bytes. */
        private static byte[] readMessage(InputStream in) throws IOException {
            byte[] len = in.readNBytes(4);
            int n = ((len[0] & 0x7f) << 24) | ((len[1] & 0xff) << 16) | ((len[2] & 0xff) << 8) | (len[3] & 0xff);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.writeBytes(len);
            out.writeBytes(in.readNBytes(n));
            return out.toByteArray();
        }

        List<Exchange> await() {
            synchronized (done) {
                return List.copyOf(done);
            }
        }

        /** The first recorded exchange that matches, waiting for it up to 10 s. */
        Exchange awaitMatching(java.util.function.Predicate<Exchange> p) throws InterruptedException {
            synchronized (done) {
                long end = System.currentTimeMillis() + 10_000;
                while (System.currentTimeMillis() < end) {
                    for (Exchange x : done) {
                        if (p.test(x)) {
                            return x;
                        }
                    }
                    done.wait(100);
                }
            }
            throw new IllegalStateException("the KDC exchange never came through the relay");
        }

        @Override
        public void close() throws IOException {
            listen.close();
        }
    }
}
