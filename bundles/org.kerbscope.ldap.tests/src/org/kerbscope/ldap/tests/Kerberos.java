package org.kerbscope.ldap.tests;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
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
import org.ietf.jgss.MessageProp;
import org.ietf.jgss.Oid;

/**
 * Real Kerberos for the LDAP tests: a Kerby KDC on loopback, the JDK's JGSS as client (john) and as the LDAP
 * service's acceptor (ldap/dc01.ldap.test, from the keytab the KDC exported), and a relay between JGSS and the KDC
 * that keeps every KDC exchange's bytes (AS, TGS, and the KRB-ERROR 7 for an SPN nobody registered) so that the
 * tests can put them into captures. Made once per test run.
 */
final class Kerberos {
    static final String REALM = "LDAP.TEST";
    static final String HOST = "dc01.ldap.test";
    static final String SERVICE = "ldap/" + HOST + "@" + REALM;
    static final String ALIAS_SERVICE = "ldap/directory.ldap.test@" + REALM;

    /** One request/reply on a KDC TCP connection, record marks included. */
    record Exchange(byte[] request, byte[] reply) {
    }

    /** A GSS context's first token, the acceptor's answer, and a wrap token sealed after the context is up. */
    record Tokens(byte[] init, byte[] reply, byte[] sealed) {
    }

    private static Kerberos instance;

    final Tokens spnego;
    final Tokens krb5;
    /** The KDC traffic of the john login and the ticket for ldap/dc01 (AS exchanges, TGS-REQ, TGS-REP). */
    final List<Exchange> kdcSuccess;
    /** The TGS exchange for the alias SPN the KDC does not know (KRB-ERROR 7). */
    final List<Exchange> kdcUnknown;

    static synchronized Kerberos get() throws Exception {
        if (instance == null) {
            instance = new Kerberos();
        }
        return instance;
    }

    private final List<Exchange> recorded = new ArrayList<>();

    private Kerberos() throws Exception {
        Path dir = org.kerbscope.testing.TempDirs.create("kerbscope-ldap-kdc");
        int kdcPort = freePort();
        SimpleKdcServer kdc = new SimpleKdcServer();
        kdc.setWorkDir(dir.toFile());
        kdc.setKdcHost("127.0.0.1");
        kdc.setKdcRealm(REALM);
        kdc.setAllowUdp(false);
        kdc.setKdcTcpPort(kdcPort);
        kdc.init();
        kdc.start();
        try (ServerSocket relay = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread t = new Thread(() -> relay(relay, kdcPort), "kdc-relay");
            t.setDaemon(true);
            t.start();
            kdc.createPrincipal("john@" + REALM, "john-Secret-1");
            kdc.createPrincipal(SERVICE, "dc01-Secret-2");
            Path keytab = dir.resolve("dc01.keytab");
            kdc.exportPrincipal(SERVICE, keytab.toFile());
            Path conf = dir.resolve("krb5.conf");
            Files.writeString(conf, """
                    [libdefaults]
                     default_realm = %s
                     dns_lookup_kdc = false
                     udp_preference_limit = 1
                     permitted_enctypes = aes128-cts-hmac-sha1-96 aes256-cts-hmac-sha1-96
                    [realms]
                     %s = {
                      kdc = 127.0.0.1:%d
                     }
                    """.formatted(REALM, REALM, relay.getLocalPort()));
            System.setProperty("java.security.krb5.conf", conf.toString());
            Subject client = login("john@" + REALM, "john-Secret-1", null);
            Subject server = login(SERVICE, null, keytab);
            GSSManager m = GSSManager.getInstance();
            spnego = tokens(m, client, server, new Oid("1.3.6.1.5.5.2"));
            synchronized (recorded) {
                kdcSuccess = new ArrayList<>(recorded);
                recorded.clear();
            }
            krb5 = tokens(m, client, server, new Oid("1.2.840.113554.1.2.2"));
            synchronized (recorded) {
                recorded.clear();
            }
            try {
                Subject.callAs(client, () -> {
                    GSSContext c = m.createContext(m.createName(ALIAS_SERVICE, new Oid("1.2.840.113554.1.2.2.1")),
                            new Oid("1.2.840.113554.1.2.2"), null, GSSContext.DEFAULT_LIFETIME);
                    return c.initSecContext(new byte[0], 0, 0);
                });
                throw new IllegalStateException("the KDC issued a ticket for an SPN nobody registered");
            } catch (java.util.concurrent.CompletionException e) {
                if (!(e.getCause() instanceof GSSException)) {
                    throw e;
                }
            }
            synchronized (recorded) {
                kdcUnknown = new ArrayList<>(recorded);
            }
        } finally {
            kdc.stop();
        }
    }

    private static Tokens tokens(GSSManager m, Subject client, Subject server, Oid mech) throws Exception {
        Oid principal = new Oid("1.2.840.113554.1.2.2.1");
        GSSContext ic = Subject.callAs(client, () -> {
            GSSContext c = m.createContext(m.createName(SERVICE, principal), mech, null, GSSContext.DEFAULT_LIFETIME);
            c.requestMutualAuth(true);
            c.requestConf(true);
            c.requestInteg(true);
            return c;
        });
        byte[] init = Subject.callAs(client, () -> ic.initSecContext(new byte[0], 0, 0));
        GSSContext ac = Subject.callAs(server, () -> m.createContext((GSSCredential) null));
        byte[] reply = Subject.callAs(server, () -> ac.acceptSecContext(init, 0, init.length));
        Subject.callAs(client, () -> ic.initSecContext(reply, 0, reply.length));
        byte[] plain = Ldap.searchRequest(7, "DC=ldap,DC=test", 2, Ldap.equality("sAMAccountName", "john"), "cn");
        byte[] sealed = ic.wrap(plain, 0, plain.length, new MessageProp(0, true));
        return new Tokens(init, reply, sealed);
    }

    private void relay(ServerSocket relay, int kdcPort) {
        while (!relay.isClosed()) {
            try (Socket c = relay.accept(); Socket k = new Socket(InetAddress.getLoopbackAddress(), kdcPort)) {
                byte[] req = record(c.getInputStream());
                k.getOutputStream().write(req);
                byte[] rep = record(k.getInputStream());
                c.getOutputStream().write(rep);
                synchronized (recorded) {
                    recorded.add(new Exchange(req, rep));
                }
            } catch (IOException e) {
                // the relay closes with the fixture; a half-done exchange is simply not recorded
            }
        }
    }

    /** One RFC 4120 §7.2.2 TCP record: four-byte length and the message. */
    private static byte[] record(InputStream in) throws IOException {
        DataInputStream d = new DataInputStream(in);
        int len = d.readInt();
        byte[] b = new byte[4 + len];
        java.nio.ByteBuffer.wrap(b).putInt(len);
        d.readFully(b, 4, len);
        return b;
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
                return new AppConfigurationEntry[] { new AppConfigurationEntry(
                        "com.sun.security.auth.module.Krb5LoginModule",
                        AppConfigurationEntry.LoginModuleControlFlag.REQUIRED, opts) };
            }
        };
        Subject s = new Subject();
        new LoginContext("ldap-test", s, (Callback[] cbs) -> {
            for (Callback cb : cbs) {
                if (cb instanceof PasswordCallback p) {
                    p.setPassword(password.toCharArray());
                }
            }
        }, conf).login();
        return s;
    }

}
