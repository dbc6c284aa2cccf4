package org.kerbscope.engine.filter;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import org.kerbscope.net.FlowKey;
import org.kerbscope.net.HeaderListener;

/**
 * The {@link DisplayFilter#LAYER_FIELDS} of one frame, taken from the headers the network decoder walks
 * ({@link org.kerbscope.net.NetworkDecoder#headersOf}): the addresses of each IPv4 and IPv6 header and the ports of each
 * TCP and UDP header, outer and inner alike (Wireshark's {@code ip.addr} matches a tunnel's addresses too). Reused
 * frame after frame: {@link #reset} before each.
 */
public final class FrameLayerValues implements HeaderListener, DisplayFilter.Layers {
    private final List<Object> ipSrc = new ArrayList<>(2), ipDst = new ArrayList<>(2);
    private final List<Object> ip6Src = new ArrayList<>(2), ip6Dst = new ArrayList<>(2);
    private final List<Object> tcpSrc = new ArrayList<>(2), tcpDst = new ArrayList<>(2);
    private final List<Object> udpSrc = new ArrayList<>(2), udpDst = new ArrayList<>(2);
    private final List<Object> tcpFlags = new ArrayList<>(2), tcpLen = new ArrayList<>(2);
    private long frame;

    /** Forgets the frame before: the next frame's headers follow. */
    public void reset(long frameNumber) {
        frame = frameNumber;
        ipSrc.clear();
        ipDst.clear();
        ip6Src.clear();
        ip6Dst.clear();
        tcpSrc.clear();
        tcpDst.clear();
        udpSrc.clear();
        udpDst.clear();
        tcpFlags.clear();
        tcpLen.clear();
    }

    @Override
    public void header(String layer, ByteBuffer d, int off, int length, int end, int inFrame) {
        switch (layer) {
            case "ip" -> {
                ipSrc.add(address(d, off + 12, 4));
                ipDst.add(address(d, off + 16, 4));
            }
            case "ipv6" -> {
                ip6Src.add(address(d, off + 8, 16));
                ip6Dst.add(address(d, off + 24, 16));
            }
            case "tcp" -> {
                tcpSrc.add(d.getShort(off) & 0xffff);
                tcpDst.add(d.getShort(off + 2) & 0xffff);
                tcpFlags.add(d.getShort(off + 12) & 0x0FFF);
                tcpLen.add(Math.max(0, end - off - length)); // as the IP header declares it, as Wireshark's tcp.len
            }
            case "udp" -> {
                udpSrc.add(d.getShort(off) & 0xffff);
                udpDst.add(d.getShort(off + 2) & 0xffff);
            }
            default -> {
            }
        }
    }

    @Override
    public void problem(String protocol, String message) {
    }

    private static String address(ByteBuffer d, int at, int n) {
        if (n == 4) {
            // dotted quad by hand: asked for every frame of a capture, the JDK's formatter is the pass's largest cost
            StringBuilder b = new StringBuilder(15);
            for (int i = 0; i < 4; i++) {
                b.append(i == 0 ? "" : ".").append(d.get(at + i) & 0xff);
            }
            return b.toString();
        }
        byte[] b = new byte[n];
        d.get(at, b);
        return FlowKey.text(b);
    }

    @Override
    public List<Object> values(String field) {
        return switch (field) {
            case "ip" -> present(ipSrc);
            case "ip.src" -> ipSrc;
            case "ip.dst" -> ipDst;
            case "ip.addr" -> both(ipSrc, ipDst);
            case "ipv6" -> present(ip6Src);
            case "ipv6.src" -> ip6Src;
            case "ipv6.dst" -> ip6Dst;
            case "ipv6.addr" -> both(ip6Src, ip6Dst);
            case "tcp" -> present(tcpSrc);
            case "tcp.srcport" -> tcpSrc;
            case "tcp.dstport" -> tcpDst;
            case "tcp.port" -> both(tcpSrc, tcpDst);
            case "tcp.len" -> tcpLen;
            case "tcp.flags" -> tcpFlags;
            case "tcp.flags.fin" -> bit(0);
            case "tcp.flags.syn" -> bit(1);
            case "tcp.flags.reset" -> bit(2);
            case "tcp.flags.push" -> bit(3);
            case "tcp.flags.ack" -> bit(4);
            case "udp" -> present(udpSrc);
            case "udp.srcport" -> udpSrc;
            case "udp.dstport" -> udpDst;
            case "udp.port" -> both(udpSrc, udpDst);
            case "frame.number" -> List.of(frame);
            default -> List.of();
        };
    }

    /** One TCP flag of each TCP header, 0 or 1. */
    private List<Object> bit(int b) {
        List<Object> out = new ArrayList<>(tcpFlags.size());
        for (Object f : tcpFlags) {
            out.add((Integer) f >> b & 1);
        }
        return out;
    }

    /** A protocol named alone: present when one of its headers is. */
    private static List<Object> present(List<Object> any) {
        return any.isEmpty() ? List.of() : List.of(Boolean.TRUE);
    }

    private static List<Object> both(List<Object> a, List<Object> b) {
        List<Object> out = new ArrayList<>(a.size() + b.size());
        out.addAll(a);
        out.addAll(b);
        return out;
    }
}
