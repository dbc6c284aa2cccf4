package org.kerbscope.lab.internal;

import java.io.Closeable;
import java.io.File;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.apache.kerby.kerberos.kerb.KrbException;
import org.apache.kerby.kerberos.kerb.server.KdcConfigKey;
import org.apache.kerby.kerberos.kerb.server.SimpleKdcServer;

/**
 * The lab's domain controller KDC: Apache Kerby's {@link SimpleKdcServer} on one loopback port for UDP and TCP,
 * with AES-256 and AES-128 keys (what a Windows Server 2019 domain issues). Kerby writes a krb5.conf and points the
 * JVM-wide {@code java.security.krb5.conf} property at it; the lab puts the property back, because the KDC's
 * clients run in their own processes with their own configuration.
 */
public final class LabKdc implements Closeable {

    private final SimpleKdcServer kdc;
    private final String realm;
    private final int port;

    public LabKdc(Path workDir, String realm) throws IOException {
        this.realm = realm;
        this.port = freePortPair();
        String before = System.getProperty("java.security.krb5.conf");
        try {
            kdc = new SimpleKdcServer();
            Files.createDirectories(workDir);
            kdc.setWorkDir(workDir.toFile());
            kdc.setKdcRealm(realm);
            kdc.setKdcHost("127.0.0.1");
            kdc.setAllowTcp(true);
            kdc.setAllowUdp(true);
            kdc.setKdcTcpPort(port);
            kdc.setKdcUdpPort(port);
            kdc.getKdcConfig().setString(KdcConfigKey.ENCRYPTION_TYPES, "aes256-cts-hmac-sha1-96 aes128-cts-hmac-sha1-96");
            kdc.init();
            kdc.start();
        } catch (KrbException e) {
            throw new IOException("the lab KDC did not start: " + e.getMessage(), e);
        } finally {
            if (before == null) {
                System.clearProperty("java.security.krb5.conf");
            } else {
                System.setProperty("java.security.krb5.conf", before);
            }
        }
    }

    public InetSocketAddress address() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    }

    public void createPrincipal(String name, String password) throws IOException {
        try {
            kdc.createPrincipal(name, password);
        } catch (KrbException e) {
            throw new IOException("cannot create " + name + ": " + e.getMessage(), e);
        }
    }

    /** A new password, hence new keys with the next key version number (as a reset of an AD account). */
    public void changePassword(String name, String password) throws IOException {
        try {
            kdc.getKadmin().changePassword(name, password);
        } catch (KrbException e) {
            throw new IOException("cannot change the password of " + name + ": " + e.getMessage(), e);
        }
    }

    /** Writes the current keys of {@code principals} (or of every principal when empty) into a new keytab. */
    public void exportKeytab(Path file, List<String> principals) throws IOException {
        Files.deleteIfExists(file);
        File f = file.toFile();
        try {
            if (principals.isEmpty()) {
                kdc.getKadmin().exportKeytab(f);
            } else {
                kdc.getKadmin().exportKeytab(f, principals.stream().map(p -> p.contains("@") ? p : p + "@" + realm).toList());
            }
        } catch (KrbException e) {
            throw new IOException("cannot export keytab " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() throws IOException {
        String before = System.getProperty("java.security.krb5.conf");
        try {
            kdc.stop();
        } catch (KrbException e) {
            throw new IOException("the lab KDC did not stop cleanly: " + e.getMessage(), e);
        } finally {
            if (before == null) {
                System.clearProperty("java.security.krb5.conf");
            } else {
                System.setProperty("java.security.krb5.conf", before);
            }
        }
    }

    /** A loopback port number free for both TCP and UDP at the time of asking. */
    static int freePortPair() throws IOException {
        InetAddress lo = InetAddress.getLoopbackAddress();
        for (int attempt = 0; attempt < 50; attempt++) {
            try (ServerSocket t = new ServerSocket(0, 1, lo);
                    DatagramSocket u = new DatagramSocket(new InetSocketAddress(lo, t.getLocalPort()))) {
                return t.getLocalPort();
            } catch (IOException e) {
                // taken for UDP: try another number
            }
        }
        throw new IOException("no free loopback port for the lab KDC");
    }
}
