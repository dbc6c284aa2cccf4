package org.kerbscope.lab.record;

import java.util.Objects;

/**
 * An address as the capture shows it (for example {@code 192.168.2.104:80}). These addresses exist only inside the
 * written capture: the lab never sends a packet to them.
 */
public record LabEndpoint(String ip, int port) {

    public LabEndpoint {
        Objects.requireNonNull(ip);
        if (ip.split("\\.").length != 4) {
            throw new IllegalArgumentException("not an IPv4 address: " + ip);
        }
    }

    /** The four address bytes. */
    public byte[] address() {
        String[] p = ip.split("\\.");
        byte[] a = new byte[4];
        for (int i = 0; i < 4; i++) {
            a[i] = (byte) Integer.parseInt(p[i]);
        }
        return a;
    }

    @Override
    public String toString() {
        return ip + ":" + port;
    }
}
