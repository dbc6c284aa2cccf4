package org.kerbscope.dissect.spnego.tests;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
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
import org.ietf.jgss.GSSManager;
import org.ietf.jgss.Oid;

/**
 * Real SPNEGO tokens: the JDK's JGSS initiator and acceptor, with a Kerby KDC on loopback and the service
 * keytab the KDC exported. Made once per test run.
 */
final class JgssTokens {
    static final String REALM = "SPNEGO.TEST";
    static final String SERVICE = "HTTP/www.spnego.test@" + REALM;

    private static JgssTokens instance;

    /** NegTokenInit with the krb5 AP-REQ, and the acceptor's NegTokenResp with the AP-REP. */
    final byte[] init;
    final byte[] resp;

    static synchronized JgssTokens get() throws Exception {
        if (instance == null) {
            instance = new JgssTokens();
        }
        return instance;
    }

    private JgssTokens() throws Exception {
        Path dir = org.kerbscope.testing.TempDirs.create("kerbscope-spnego");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        SimpleKdcServer kdc = new SimpleKdcServer();
        kdc.setWorkDir(dir.toFile());
        kdc.setKdcHost("127.0.0.1");
        kdc.setKdcRealm(REALM);
        kdc.setAllowUdp(false);
        kdc.setKdcTcpPort(port);
        kdc.init();
        kdc.start();
        try {
            kdc.createPrincipal("bob@" + REALM, "bob-Secret-1");
            kdc.createPrincipal(SERVICE, "www-Secret-2");
            Path keytab = dir.resolve("www.keytab");
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
                    """.formatted(REALM, REALM, port));
            System.setProperty("java.security.krb5.conf", conf.toString());
            Subject client = login("bob@" + REALM, "bob-Secret-1", null);
            Subject server = login(SERVICE, null, keytab);
            GSSManager m = GSSManager.getInstance();
            Oid spnego = new Oid("1.3.6.1.5.5.2");
            Oid principal = new Oid("1.2.840.113554.1.2.2.1");
            GSSContext ic = Subject.callAs(client, () -> {
                GSSContext c = m.createContext(m.createName(SERVICE, principal), spnego, null,
                        GSSContext.DEFAULT_LIFETIME);
                c.requestMutualAuth(true);
                return c;
            });
            init = Subject.callAs(client, () -> ic.initSecContext(new byte[0], 0, 0));
            GSSContext ac = Subject.callAs(server, () -> m.createContext((GSSCredential) null));
            resp = Subject.callAs(server, () -> ac.acceptSecContext(init, 0, init.length));
        } finally {
            kdc.stop();
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
        new LoginContext("spnego-test", s, (Callback[] cbs) -> {
            for (Callback cb : cbs) {
                if (cb instanceof PasswordCallback p) {
                    p.setPassword(password.toCharArray());
                }
            }
        }, conf).login();
        return s;
    }
}
