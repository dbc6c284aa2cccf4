package org.kerbscope.engine.filter;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.kerbscope.net.FrameLayers;
import org.kerbscope.net.HeaderListener;

/**
 * The {@link DisplayFilter#LAYER_FIELDS} of one frame, taken from the headers the network decoder walks
 * ({@link org.kerbscope.net.NetworkDecoder#headersOf}): the fields of each Ethernet, 802.1Q, IPv4, IPv6, TCP, UDP, ICMP
 * and ICMPv6 header, outer and inner alike (Wireshark's {@code ip.addr} matches a tunnel's addresses too, and those an
 * ICMP error quotes), and the frame's number and lengths. Reused frame after frame, in the capture's order:
 * {@link #reset} before each. Built with {@code streams}, it numbers the TCP and UDP conversations as Wireshark's
 * {@code tcp.stream} and {@code udp.stream} do, which needs every frame before in order.
 */
public final class FrameLayerValues implements HeaderListener, DisplayFilter.Layers {
    private final Map<String, List<Object>> values = new HashMap<>();
    private final List<List<Object>> used = new ArrayList<>();
    private final boolean streams;
    /** The protocols whose fields are asked for (their headers are read; the others' are passed by). */
    private final java.util.Set<String> wanted;
    private final Map<Conversation, long[]> tcpStreams = new HashMap<>(), udpStreams = new HashMap<>();
    private byte[] lastSrc = new byte[0], lastDst = new byte[0];
    private long frame;
    private int originalLength, capturedLength;

    /**
     * The values of these fields (others may come too); {@code tcp.stream} or {@code udp.stream} among them numbers the
     * conversations, which needs every frame of the capture read, in order.
     */
    public FrameLayerValues(java.util.Collection<String> fields) {
        java.util.Set<String> protocols = new java.util.HashSet<>();
        java.util.Set<String> others = new java.util.HashSet<>();
        for (String f : fields) {
            int dot = f.indexOf('.');
            protocols.add(dot < 0 ? f : f.substring(0, dot));
            if (!FIELDS.contains(f) && (FrameLayers.FIELDS.contains(f) || FrameLayers.LAYERS.contains(f))) {
                others.add(f);
            }
        }
        this.wanted = protocols;
        this.streams = fields.stream().anyMatch(STREAM_FIELDS::contains);
        this.payloads = fields.contains("tcp.payload") || fields.contains("udp.payload");
        this.detailed = java.util.Set.copyOf(others);
    }

    /** The two ports whose segments' and datagrams' payloads are read, either way; -1: every payload. */
    private int payloadPortA = -1, payloadPortB = -1;

    /**
     * Reads the payloads of the segments and datagrams between these two ports only (either way), for a caller that
     * wants one conversation's bytes: the others' are not copied.
     */
    public void payloadsOnly(int portA, int portB) {
        payloadPortA = portA;
        payloadPortB = portB;
    }

    private boolean payloadWanted(int sport, int dport) {
        return payloads && (payloadPortA < 0 || sport == payloadPortA && dport == payloadPortB
                || sport == payloadPortB && dport == payloadPortA);
    }

    /** The fields read from the frame's details ({@link FrameLayers}) rather than from the headers directly. */
    private final java.util.Set<String> detailed;
    /** Whether tcp.payload or udp.payload is asked for: the segment's bytes, as text. */
    private final boolean payloads;
    /** The frame's details, when a {@link #detailed} field is asked for. */
    private FrameLayers details;

    /** Forgets the frame before: the next frame's headers follow. */
    public void reset(long frameNumber) {
        frame = frameNumber;
        for (List<Object> l : used) {
            l.clear();
        }
        used.clear();
        lastSrc = new byte[0];
        lastDst = new byte[0];
        put("frame.number", frameNumber);
        details = detailed.isEmpty() ? null : new FrameLayers();
        innerSrc = null;
        innerDst = null;
    }

    /** The innermost IPv4 or IPv6 header's addresses (a tunnel's inner ones), when ip or ipv6 is asked for; else null. */
    private LayerAddress innerSrc, innerDst;

    /** The source address of the innermost IP header, or null (see {@link #innermostDestination()}). */
    public Object innermostSource() {
        return innerSrc;
    }

    /** The destination address of the innermost IPv4 or IPv6 header, when ip or ipv6 fields are asked for; else null. */
    public Object innermostDestination() {
        return innerDst;
    }

    @Override
    public void frame(long number, int originalLength, int capturedLength, long timeNanos) {
        this.originalLength = originalLength;
        this.capturedLength = capturedLength;
        if (details != null) {
            details.frame(number, originalLength, capturedLength, timeNanos);
        }
        if (!wanted.contains("frame")) {
            return;
        }
        put("frame.len", originalLength);
        put("frame.cap_len", capturedLength);
    }

    @Override
    public void header(String layer, ByteBuffer d, int off, int length, int end, int inFrame) {
        if (details != null) {
            details.header(layer, d, off, length, end, inFrame);
        }
        if ((layer.equals("ip") || layer.equals("ipv6")) && streams) {
            lastSrc = bytes(d, off + (layer.equals("ip") ? 12 : 8), layer.equals("ip") ? 4 : 16);
            lastDst = bytes(d, off + (layer.equals("ip") ? 16 : 24), layer.equals("ip") ? 4 : 16);
        }
        if (!wanted.contains(layer)) {
            return;
        }
        switch (layer) {
            case "eth" -> {
                pair(ETH, mac(d, off), mac(d, off + 6));
                int type = u16(d, off + 12);
                if (type >= 0x0600) {
                    put("eth.type", type);
                }
            }
            case "vlan" -> {
                int tci = u16(d, off);
                put("vlan", Boolean.TRUE);
                put("vlan.id", tci & 0xfff);
                put("vlan.priority", tci >> 13);
                put("vlan.etype", u16(d, off + 2));
            }
            case "ip" -> {
                addresses(IP, bytes(d, off + 12, 4), bytes(d, off + 16, 4));
                put("ip.hdr_len", (d.get(off) & 0x0f) * 4);
                int total = u16(d, off + 2);
                // (segmentation offload hands up packets with total length 0: the frame is the packet, as Wireshark)
                put("ip.len", total == 0 && inFrame >= 0 ? originalLength - inFrame : total);
                put("ip.id", u16(d, off + 4));
                int flags = u16(d, off + 6);
                put("ip.flags.df", flags >> 14 & 1);
                put("ip.flags.mf", flags >> 13 & 1);
                put("ip.ttl", d.get(off + 8) & 0xff);
                put("ip.proto", d.get(off + 9) & 0xff);
            }
            case "ipv6" -> {
                addresses(IPV6, bytes(d, off + 8, 16), bytes(d, off + 24, 16));
                put("ipv6.flow", d.getInt(off) & 0xfffff);
                put("ipv6.plen", u16(d, off + 4));
                put("ipv6.nxt", d.get(off + 6) & 0xff);
                put("ipv6.hlim", d.get(off + 7) & 0xff);
            }
            case "tcp" -> {
                int sport = u16(d, off), dport = u16(d, off + 2), flags = u16(d, off + 12) & 0x0FFF;
                long seq = d.getInt(off + 4) & 0xffffffffL;
                pair(TCP, sport, dport);
                put("tcp.seq_raw", seq);
                put("tcp.ack_raw", d.getInt(off + 8) & 0xffffffffL);
                put("tcp.hdr_len", (d.get(off + 12) >> 4 & 0x0f) * 4);
                put("tcp.flags", flags);
                for (int b = 0; b < TCP_FLAGS.length; b++) {
                    put(TCP_FLAGS[b], flags >> b & 1);
                }
                put("tcp.window_size_value", u16(d, off + 14));
                put("tcp.len", Math.max(0, end - off - length)); // as the IP header declares it, as Wireshark's tcp.len
                if (streams) {
                    put("tcp.stream", tcpStream(sport, dport, flags, seq));
                }
                if (payloadWanted(sport, dport)) {
                    payload("tcp.payload", d, off + length, end, inFrame < 0 ? d.limit() : off - inFrame + capturedLength);
                }
            }
            case "udp" -> {
                int sport = u16(d, off), dport = u16(d, off + 2);
                pair(UDP, sport, dport);
                put("udp.length", u16(d, off + 4));
                if (streams) {
                    put("udp.stream", udpStream(sport, dport));
                }
                if (payloadWanted(sport, dport)) {
                    payload("udp.payload", d, off + 8, end, inFrame < 0 ? d.limit() : off - inFrame + capturedLength);
                }
            }
            case "icmp", "icmpv6" -> {
                put(layer, Boolean.TRUE);
                put(layer + ".type", d.get(off) & 0xff);
                put(layer + ".code", d.get(off + 1) & 0xff);
            }
            default -> {
            }
        }
    }

    /** A protocol's name, then the names of its two ends' fields and of the field either end matches. */
    private static final String[] IP = {"ip", "ip.src", "ip.dst", "ip.addr"}, IPV6 = {"ipv6", "ipv6.src", "ipv6.dst", "ipv6.addr"},
            ETH = {"eth", "eth.dst", "eth.src", "eth.addr"}, TCP = {"tcp", "tcp.srcport", "tcp.dstport", "tcp.port"},
            UDP = {"udp", "udp.srcport", "udp.dstport", "udp.port"};

    /** An IP header's protocol and addresses, the innermost so far. */
    private void addresses(String[] names, byte[] source, byte[] destination) {
        LayerAddress src = new LayerAddress(source), dst = new LayerAddress(destination);
        innerSrc = src;
        innerDst = dst;
        pair(names, src, dst);
    }

    /** A protocol present, its two ends' values, and both as the field either end matches ({@code ip.addr}, {@code tcp.port}). */
    private void pair(String[] names, Object first, Object second) {
        put(names[0], Boolean.TRUE);
        put(names[1], first);
        put(names[2], second);
        put(names[3], first);
        put(names[3], second);
    }

    /** Wireshark's names of TCP's flag bits, lowest first. */
    private static final String[] TCP_FLAGS = {"tcp.flags.fin", "tcp.flags.syn", "tcp.flags.reset", "tcp.flags.push",
            "tcp.flags.ack", "tcp.flags.urg", "tcp.flags.ece", "tcp.flags.cwr"};

    /**
     * The fields read from the headers directly (the others of {@link DisplayFilter#LAYER_FIELDS} are read from the
     * frame's details, {@link FrameLayers}, made only when the filter names one).
     */
    public static final List<String> FIELDS = List.of("frame.number", "frame.len", "frame.cap_len", "eth", "eth.addr", "eth.src",
            "eth.dst", "eth.type", "vlan", "vlan.id", "vlan.priority", "vlan.etype", "ip", "ip.addr", "ip.src", "ip.dst",
            "ip.hdr_len", "ip.len", "ip.id", "ip.flags.df", "ip.flags.mf", "ip.ttl", "ip.proto", "ipv6", "ipv6.addr",
            "ipv6.src", "ipv6.dst", "ipv6.flow", "ipv6.plen", "ipv6.nxt", "ipv6.hlim", "tcp", "tcp.port", "tcp.srcport",
            "tcp.dstport", "tcp.seq_raw", "tcp.ack_raw", "tcp.hdr_len", "tcp.flags", "tcp.flags.fin", "tcp.flags.syn",
            "tcp.flags.reset", "tcp.flags.push", "tcp.flags.ack", "tcp.flags.urg", "tcp.flags.ece", "tcp.flags.cwr",
            "tcp.window_size_value", "tcp.len", "tcp.stream", "tcp.payload", "udp", "udp.port", "udp.srcport", "udp.dstport", "udp.length",
            "udp.stream", "udp.payload", "icmp", "icmp.type", "icmp.code", "icmpv6", "icmpv6.type", "icmpv6.code");

    /** The fields that number conversations, which need the capture read in order from its first frame. */
    public static final List<String> STREAM_FIELDS = List.of("tcp.stream", "udp.stream");

    @Override
    public void problem(String protocol, String message) {
        if (details != null) {
            details.problem(protocol, message);
        }
    }

    /**
     * The bytes a segment or datagram carries, as far as the frame holds them ({@code captured}: where the frame's
     * captured bytes end in {@code d}, which may hold more), as text (for contains and matches).
     */
    private void payload(String field, ByteBuffer d, int from, int end, int captured) {
        int to = Math.min(Math.min(end, captured), d.limit());
        if (to > from) {
            byte[] b = new byte[to - from];
            d.get(from, b);
            put(field, new String(b, java.nio.charset.StandardCharsets.ISO_8859_1));
        }
    }

    @Override
    public List<Object> values(String field) {
        if (details != null && detailed.contains(field)) {
            List<Object> out = new ArrayList<>(1);
            if (details.root() != null) {
                collect(details.root(), field, out);
            }
            return field.indexOf('.') < 0 || FrameLayers.LAYERS.contains(field) ? (out.isEmpty() ? List.of() : List.of(Boolean.TRUE))
                    : out;
        }
        List<Object> l = values.get(field);
        if (l == null || l.isEmpty()) {
            return List.of();
        }
        return field.indexOf('.') < 0 ? List.of(Boolean.TRUE) : l; // (a protocol named alone: present once)
    }

    /** The values of the nodes named {@code field} below {@code n}: a node without a value (a header) is present. */
    private static void collect(org.kerbscope.core.model.FieldNode n, String field, List<Object> out) {
        for (org.kerbscope.core.model.FieldNode c : n.children()) {
            if (field.equals(c.name()) && !c.isMalformed()) {
                out.add(c.value() != null ? c.value() : Boolean.TRUE);
            }
            collect(c, field, out);
        }
    }

        private void put(String field, Object value) {
        List<Object> l = values.computeIfAbsent(field, k -> new ArrayList<>(2));
        if (l.isEmpty()) {
            used.add(l);
        }
        l.add(value);
    }

    // ------------------------------------------------------------------------------------------ conversations

    /** Both ends of a conversation, the lower first, so that either direction finds it. */
    private record Conversation(byte[] a, int aPort, byte[] b, int bPort) {
        static Conversation of(byte[] src, int sport, byte[] dst, int dport) {
            int c = Arrays.compareUnsigned(src, dst);
            return c < 0 || c == 0 && sport <= dport ? new Conversation(src, sport, dst, dport)
                    : new Conversation(dst, dport, src, sport);
        }

        boolean forward(byte[] src, int sport) {
            return Arrays.equals(a, src) && aPort == sport;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Conversation c && aPort == c.aPort && bPort == c.bPort && Arrays.equals(a, c.a)
                    && Arrays.equals(b, c.b);
        }

        @Override
        public int hashCode() {
            return (Arrays.hashCode(a) * 31 + aPort) * 31 + Arrays.hashCode(b) * 17 + bPort;
        }
    }

    /**
     * The conversation's number, from 0 in the order of their first frames. A SYN without ACK whose sequence number is
     * not the one its direction began with opens a new conversation on the same ports, as Wireshark's port-reuse rule.
     */
    private long tcpStream(int sport, int dport, int flags, long seq) {
        Conversation key = Conversation.of(lastSrc, sport, lastDst, dport);
        long[] s = tcpStreams.get(key);
        boolean forward = key.forward(lastSrc, sport);
        boolean synOnly = (flags & 0x12) == 0x02;
        if (s == null || synOnly && s[forward ? 1 : 2] >= 0 && s[forward ? 1 : 2] != seq) {
            s = new long[] {tcpStreams.size() + retired, -1, -1};
            if (tcpStreams.put(key, s) != null) {
                retired++;
            }
        }
        int dir = forward ? 1 : 2;
        if (s[dir] < 0) {
            s[dir] = seq; // the direction's first sequence number: a SYN's, or the first segment seen
        }
        return s[0];
    }

    /** Conversations a port reuse replaced, still counted in the numbering. */
    private long retired;

    private long udpStream(int sport, int dport) {
        Conversation key = Conversation.of(lastSrc, sport, lastDst, dport);
        long[] s = udpStreams.get(key);
        if (s == null) {
            s = new long[] {udpStreams.size()};
            udpStreams.put(key, s);
        }
        return s[0];
    }

    // ------------------------------------------------------------------------------------------ bytes

    private static int u16(ByteBuffer d, int at) {
        return d.getShort(at) & 0xffff;
    }

    private static byte[] bytes(ByteBuffer d, int at, int n) {
        byte[] b = new byte[n];
        d.get(at, b);
        return b;
    }

    private static LayerAddress mac(ByteBuffer d, int at) {
        return new LayerAddress(bytes(d, at, 6));
    }
}
