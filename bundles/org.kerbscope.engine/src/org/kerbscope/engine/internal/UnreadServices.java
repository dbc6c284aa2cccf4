package org.kerbscope.engine.internal;

import java.util.List;

import org.kerbscope.core.model.Diagnostic;

/**
 * Traffic of services that Kerbscope's installable plug-ins read (SMB, LDAP), seen where no installed dissector reads
 * it: the base product would otherwise say "no authentication attempt found" about an SMB or LDAP capture without
 * saying why. Counted per well-known port as conversations are first seen; one diagnostic per service at the end,
 * naming the plug-in to install. A conversation a dissector took (an installed plug-in, a heuristic, decode-as) is not
 * counted.
 */
public final class UnreadServices {
    /** A service of an installable plug-in, by its well-known ports. */
    record Service(String protocol, String name, String plugin, String feature, String transport, int... ports) {
        boolean has(String t, int port) {
            if (!transport.equals(t)) {
                return false;
            }
            for (int p : ports) {
                if (p == port) {
                    return true;
                }
            }
            return false;
        }
    }

    private static final List<Service> SERVICES = List.of(
            new Service("smb2", "SMB", "CIFS/SMB2", "org.kerbscope.cifs.feature", "tcp", 445, 139),
            new Service("ldap", "LDAP", "LDAP", "org.kerbscope.ldap.feature", "tcp", 389, 3268, 636, 3269),
            new Service("ldap", "CLDAP", "LDAP", "org.kerbscope.ldap.feature", "udp", 389));

    /** Per service: conversations not read, and the frame of the first. */
    private final long[] conversations = new long[SERVICES.size()];
    private final long[] firstFrame = new long[SERVICES.size()];

    /** A conversation between these ports that no dissector took, first seen at {@code frame}. */
    public void unread(String transport, int lowPort, int highPort, long frame) {
        for (int i = 0; i < SERVICES.size(); i++) {
            Service s = SERVICES.get(i);
            if (s.has(transport, lowPort) || s.has(transport, highPort)) {
                conversations[i]++;
                if (firstFrame[i] == 0 || frame < firstFrame[i]) {
                    firstFrame[i] = frame;
                }
                return;
            }
        }
    }

    /** Adds another reading thread's counts (the capture's total does not depend on the number of threads). */
    public void addAll(UnreadServices other) {
        for (int i = 0; i < conversations.length; i++) {
            conversations[i] += other.conversations[i];
            if (other.firstFrame[i] != 0 && (firstFrame[i] == 0 || other.firstFrame[i] < firstFrame[i])) {
                firstFrame[i] = other.firstFrame[i];
            }
        }
    }

    /** One diagnostic per service with unread conversations, at the frame of its first. */
    public List<Diagnostic> diagnostics() {
        java.util.ArrayList<Diagnostic> out = new java.util.ArrayList<>();
        for (int i = 0; i < SERVICES.size(); i++) {
            long n = conversations[i];
            if (n == 0) {
                continue;
            }
            Service s = SERVICES.get(i);
            StringBuilder ports = new StringBuilder();
            for (int p : s.ports()) {
                ports.append(ports.isEmpty() ? "" : "/").append(p);
            }
            out.add(new Diagnostic(firstFrame[i], s.protocol(), n + " " + s.transport().toUpperCase()
                    + (n == 1 ? " conversation" : " conversations") + " of " + s.name() + " (port " + ports
                    + ") not read: no installed plug-in reads " + s.name() + ". Install the " + s.plugin()
                    + " plug-in from Kerbscope's p2 repository to analyse their authentication (kerbscope install"
                    + " REPOSITORY " + s.feature() + ", or Help > Install New Software)."));
        }
        return out;
    }
}
