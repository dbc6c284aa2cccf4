package org.kerbscope.lab.child;

import java.util.Map;

import javax.security.auth.Subject;
import javax.security.auth.callback.Callback;
import javax.security.auth.callback.NameCallback;
import javax.security.auth.callback.PasswordCallback;
import javax.security.auth.callback.UnsupportedCallbackException;
import javax.security.auth.login.AppConfigurationEntry;
import javax.security.auth.login.Configuration;
import javax.security.auth.login.LoginContext;
import javax.security.auth.login.LoginException;

/**
 * JAAS logins with the JDK's {@code Krb5LoginModule}, configured in code (a {@link Configuration} with one entry)
 * so that no JAAS file has to be written or pointed at by a system property.
 */
final class Krb5Jaas {

    private static final String MODULE = "com.sun.security.auth.module.Krb5LoginModule";

    private Krb5Jaas() {
    }

    /** The initiator's logon: an AS exchange with the KDC for {@code principal}, using {@code password}. */
    static Subject logon(String principal, char[] password) throws LoginException {
        Map<String, String> options = Map.of("principal", principal, "useTicketCache", "false", "storeKey", "false",
                "doNotPrompt", "false", "refreshKrb5Config", "true", "isInitiator", "true");
        Subject subject = new Subject();
        LoginContext lc = new LoginContext("kerbscope-initiator", subject, callbacks -> {
            for (Callback cb : callbacks) {
                if (cb instanceof NameCallback n) {
                    n.setName(principal);
                } else if (cb instanceof PasswordCallback p) {
                    p.setPassword(password);
                } else {
                    throw new UnsupportedCallbackException(cb);
                }
            }
        }, config("kerbscope-initiator", options));
        lc.login();
        return subject;
    }

    /** The acceptor's credentials: the service keys read from {@code keytab}; no KDC is contacted. */
    static Subject acceptor(String principal, String keytab) throws LoginException {
        Map<String, String> options = Map.of("principal", principal, "useKeyTab", "true", "keyTab", keytab, "storeKey", "true",
                "doNotPrompt", "true", "isInitiator", "false", "refreshKrb5Config", "true");
        Subject subject = new Subject();
        LoginContext lc = new LoginContext("kerbscope-acceptor", subject, callbacks -> {
            throw new UnsupportedCallbackException(callbacks[0], "the acceptor reads its keys from the keytab");
        }, config("kerbscope-acceptor", options));
        lc.login();
        return subject;
    }

    private static Configuration config(String name, Map<String, String> options) {
        return new Configuration() {
            @Override
            public AppConfigurationEntry[] getAppConfigurationEntry(String entry) {
                if (!name.equals(entry)) {
                    return null;
                }
                return new AppConfigurationEntry[] {
                    new AppConfigurationEntry(MODULE, AppConfigurationEntry.LoginModuleControlFlag.REQUIRED, options)};
            }
        };
    }
}
