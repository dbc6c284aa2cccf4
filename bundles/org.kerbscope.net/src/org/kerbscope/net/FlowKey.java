package org.kerbscope.net;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

import org.kerbscope.core.model.Endpoint;

/**
 * One direction of a transport flow: addresses (4 or 16 bytes), ports and IP protocol (6 TCP, 17 UDP).
 * Cheap to hash; turned into {@link Endpoint} text only when an event needs it.
 */
public record FlowKey(byte[] srcAddr, int srcPort, byte[] dstAddr, int dstPort, int protocol) {

    public FlowKey reversed() {
        return new FlowKey(dstAddr, dstPort, srcAddr, srcPort, protocol);
    }

    public Endpoint src() {
        return new Endpoint(text(srcAddr), srcPort);
    }

    public Endpoint dst() {
        return new Endpoint(text(dstAddr), dstPort);
    }

    /** Canonical text of an address (RFC 5952 for IPv6, as Python's ipaddress prints it). */
    public static String text(byte[] addr) {
        try {
            String s = InetAddress.getByAddress(addr).getHostAddress();
            return addr.length == 16 ? compress(s) : s;
        } catch (UnknownHostException e) {
            return "?";
        }
    }

    private static String compress(String full) {
        String[] parts = full.split(":");
        int bestStart = -1, bestLen = 0;
        for (int i = 0; i < parts.length; i++) {
            parts[i] = parts[i].replaceFirst("^0+(?=.)", "");
        }
        for (int i = 0; i < parts.length;) {
            if (parts[i].equals("0")) {
                int j = i;
                while (j < parts.length && parts[j].equals("0")) {
                    j++;
                }
                if (j - i > bestLen && j - i > 1) {
                    bestStart = i;
                    bestLen = j - i;
                }
                i = j;
            } else {
                i++;
            }
        }
        if (bestStart < 0) {
            return String.join(":", parts);
        }
        String head = String.join(":", Arrays.copyOfRange(parts, 0, bestStart));
        String tail = String.join(":", Arrays.copyOfRange(parts, bestStart + bestLen, parts.length));
        return head + "::" + tail;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FlowKey k && k.srcPort == srcPort && k.dstPort == dstPort && k.protocol == protocol
                && Arrays.equals(k.srcAddr, srcAddr) && Arrays.equals(k.dstAddr, dstAddr);
    }

    @Override
    public int hashCode() {
        return ((Arrays.hashCode(srcAddr) * 31 + Arrays.hashCode(dstAddr)) * 31 + srcPort * 65537 + dstPort) * 31
                + protocol;
    }

    @Override
    public String toString() {
        return src() + " -> " + dst() + "/" + protocol;
    }
}
