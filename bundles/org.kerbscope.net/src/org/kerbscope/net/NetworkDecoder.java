package org.kerbscope.net;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.kerbscope.capture.FrameCursor;
import org.kerbscope.capture.LinkTypes;
import org.kerbscope.core.model.Diagnostic;
import org.kerbscope.core.model.Frame;
import org.kerbscope.net.internal.Addr;
import org.kerbscope.net.internal.Defragmenter;
import org.kerbscope.net.internal.FlowId;
import org.kerbscope.net.internal.TcpReassembler;

/**
 * Decodes frames down to the transport layer and hands UDP datagrams and reassembled TCP streams to a
 * {@link TransportHandler}, in frame order.
 * <ul>
 * <li>Link: Ethernet II (802.3/LLC frames skipped, SNAP followed), 802.1Q/802.1ad/QinQ, MPLS, PPPoE,
 * Linux cooked SLL (113) and SLL2 (276), BSD null (0) and OpenBSD loop (108), raw IP (12, 14, 101) and raw
 * IPv4/IPv6 (228/229), Solaris IPnet (226, from snoop files); IEEE 802.11 data frames (105), also under a
 * radiotap (127) or PPI (192) header: LLC/SNAP and A-MSDU subframes followed, frames still encrypted counted
 * and reported once.</li>
 * <li>Tunnels: GRE (IP, transparent Ethernet bridging), ERSPAN type I/II/III, IP-in-IP, IPv6-in-IP; the
 * innermost packet counts.</li>
 * <li>IPv4 and IPv6 (extension headers) with fragment reassembly, UDP, TCP with per-direction reassembly
 * ({@link TcpReassembler}).</li>
 * <li>Repeats: a frame whose IP packet is the one a frame captured at most {@link #REPEAT_WINDOW_NANOS} earlier
 * carried (two capture points of one trace, such as pktmon's components or Linux's {@code any}; a mirror port
 * that copies both directions) is counted, reported and not analysed again: otherwise one Kerberos or DNS message
 * would read as two. The packet is known by its IP header without TTL/hop limit and checksum, the first 16 bytes
 * after it (ports, sequence numbers, the transport checksum over the payload) and its last 8 bytes; a sender's own
 * retransmission is a new packet (a new IPv4 identification) or comes later than the window.</li>
 * </ul>
 * {@link #decode} never throws: what cannot be read becomes a {@link Diagnostic} (frames the snaplen cut are
 * not reported as malformed). Not thread-safe: one decoder per pass.
 */
public final class NetworkDecoder {
    private static final int MAX_DEPTH = 4;
    private static final int MAX_DIAGNOSTICS = 1000;

    private final TransportHandler handler;
    private final DecoderLimits limits;
    private final TcpReassembler tcp;
    private final Defragmenter defrag;
    private final Map<FlowId, UdpFlow> udpFlows = new HashMap<>();
    private final FlowId probe = new FlowId();
    private final List<Diagnostic> diagnostics = new ArrayList<>();
    private final Set<Integer> unknownLinks = new HashSet<>();
    private boolean encrypted80211;
    /** How close in time a repeat of an IP packet is taken for the same packet captured twice. */
    public static final long REPEAT_WINDOW_NANOS = 10_000_000L;
    /** The packets seen last, by a hash of each: its key, time and frame side by side, one slot per hash. */
    private final long[] recent = new long[3 << 10];
    private long repeats;
    /** The repeats this decoder reports, as (frame, repeated frame) pairs: at most {@link #REPEATS_KEPT}. */
    private long[] repeatPairs = new long[64];
    private int repeatPairCount;
    /** Repeats kept for {@link #repeatPairs()} (the first ones; the count goes on). */
    public static final int REPEATS_KEPT = 100_000;
    private int droppedDiagnostics;
    private final int share;
    private final int shares;
    /** Whether problems of the current frame are this decoder's to report (see {@link #owns}). */
    private boolean report = true;

    /** The frame being decoded (the reader's cursor, or {@link #own} for a frame given as an object). */
    private FrameCursor cur;
    private final FrameCursor own = new FrameCursor();
    /** Where the current frame starts in the buffer being decoded: payload offsets are relative to it. */
    private int base;
    private boolean truncated;
    private boolean detached;
    private boolean haveIp;
    private boolean havePorts;
    private long sHi, sLo, dHi, dLo;
    private int sPort, dPort, ipProto;

    private long frames, ipPackets, tcpSegments, udpDatagrams, undecoded;

    /** The frame whose headers {@link #headersWanted} is told, and the listener while that frame is decoded. */
    private long headersFrame = -1;
    private HeaderListener headersWanted;
    private HeaderListener headers;

    public NetworkDecoder(TransportHandler handler) {
        this(handler, DecoderLimits.defaults());
    }

    public NetworkDecoder(TransportHandler handler, DecoderLimits limits) {
        this(handler, limits, 0, 1);
    }

    /**
     * A decoder for one share of the flows, so that several threads can each read the whole capture and dissect a
     * part of it. Every decoder reads every frame's link and IP layers (cheap, and IP fragments need them); a UDP
     * datagram or TCP segment goes on only in the decoder whose share holds its client address (the side with the
     * higher port, the lower address when the ports are equal): every conversation of a client (DNS, Kerberos,
     * HTTP, SMB…) stays in one decoder, in frame order. Problems below the transport layer are reported by share 0
     * only, so that the shares together report each problem once.
     *
     * @param share  this decoder's share, 0 ≤ share &lt; shares
     * @param shares how many decoders split the flows (1: all of them)
     */
    public NetworkDecoder(TransportHandler handler, DecoderLimits limits, int share, int shares) {
        if (shares < 1 || share < 0 || share >= shares) {
            throw new IllegalArgumentException("share " + share + " of " + shares);
        }
        this.share = share;
        this.shares = shares;
        this.handler = handler;
        this.limits = limits;
        this.tcp = new TcpReassembler(handler, (n, m) -> problem(n, "tcp", m), limits.maxStreamBuffer(),
                limits.maxTotalBuffer(), limits.maxConnections());
        this.defrag = new Defragmenter(limits.maxFragmentBytes(), limits.fragmentTimeoutNanos(),
                (p, m) -> problem(p, m));
    }

    public DecoderLimits limits() {
        return limits;
    }

    /**
     * Tells {@code listener} the headers of frame {@code frameNumber} as that frame is decoded (for the details of a
     * frame the user selected). That frame is decoded in full even when it repeats a packet captured just before
     * (others are not analysed twice): its details show what it carries.
     */
    public void headersOf(long frameNumber, HeaderListener listener) {
        headersFrame = listener != null ? frameNumber : -1;
        headersWanted = listener;
    }

    /** Decodes one frame; the handler is called zero or more times before this returns. Never throws. */
    public void decode(Frame f) {
        own.set(f);
        decode(own);
    }

    /**
     * Decodes the frame the cursor is on, reading its bytes where the cursor says they are: a frame whose
     * conversation nobody reads is passed over without its {@link Frame} ever being made. Never throws.
     */
    public void decode(FrameCursor c) {
        cur = c;
        frames++;
        haveIp = false;
        havePorts = false;
        detached = false;
        report = share == 0;
        headers = c.number() == headersFrame ? headersWanted : null;
        if (headers != null) {
            headers.frame(c.number(), c.originalLength(), c.capturedLength(), c.timeNanos());
        }
        try {
            ByteBuffer d = c.buffer();
            base = c.offset();
            truncated = c.capturedLength() < c.originalLength();
            link(d, c.linkType(), base, base + c.capturedLength());
        } catch (RuntimeException e) {
            problem("net", "could not be decoded (" + e + ")");
        }
    }

    private Frame frame() {
        return cur.frame();
    }

    /**
     * {@code d[off, off + len)} for a handler, which may keep it: a view of the frame's own bytes when they are the
     * frame's (the reader's buffer may hold other bytes once it moves on; the frame's object does not), else of
     * {@code d} (a datagram put together from fragments: a copy already).
     */
    private ByteBuffer payload(Frame f, ByteBuffer d, int off, int len) {
        return detached ? d.slice(off, len) : f.data().slice(off - base, len);
    }

    /** The end of the capture: holes left in TCP streams become gaps, incomplete IP datagrams are dropped. */
    public void finish() {
        if (repeats > 1) {
            problem(0, "net", repeats + " frames in all repeated an IP packet captured just before and were analysed "
                    + "once");
        }
        try {
            report = true;
            tcp.finish();
            report = share == 0;
            defrag.finish();
        } catch (RuntimeException e) {
            problem("net", "could not finish the TCP streams (" + e + ")");
        }
    }

    /** Problems seen so far, in frame order (at most 1000, then a count). */
    public List<Diagnostic> diagnostics() {
        if (droppedDiagnostics == 0) {
            return List.copyOf(diagnostics);
        }
        List<Diagnostic> all = new ArrayList<>(diagnostics);
        all.add(new Diagnostic(0, "net", droppedDiagnostics + " more problems were not listed"));
        return List.copyOf(all);
    }

    /**
     * The innermost IP packet of the frame last decoded, as a 5-tuple (ports 0 without UDP/TCP), or null when
     * it carried no IP. Built on request: the hot path allocates nothing for it.
     */
    public FlowKey lastFlow() {
        if (!haveIp) {
            return null;
        }
        return new FlowKey(Addr.bytes(sHi, sLo), havePorts ? sPort : 0, Addr.bytes(dHi, dLo), havePorts ? dPort : 0,
                ipProto);
    }

    public long frames() {
        return frames;
    }

    public long ipPackets() {
        return ipPackets;
    }

    public long tcpSegments() {
        return tcpSegments;
    }

    public long udpDatagrams() {
        return udpDatagrams;
    }

    /** Frames whose link type is not decoded (Network Monitor events, Wi-Fi, …). */
    public long undecodedFrames() {
        return undecoded;
    }

    public long tcpConnections() {
        return tcp.connectionsSeen();
    }

    private void problem(String protocol, String message) {
        if (headers != null) {
            headers.problem(protocol, message);
        }
        problem(cur == null ? 0 : cur.number(), protocol, message);
    }

    /** Tells the listener of this frame's headers about one (only called when there is one). */
    private void header(String layer, ByteBuffer d, int off, int len, int end) {
        headers.header(layer, d, off, len, end, detached ? -1 : off - base);
    }

    private void problem(long frameNumber, String protocol, String message) {
        if (!report) {
            return;
        }
        if (diagnostics.size() < MAX_DIAGNOSTICS) {
            diagnostics.add(new Diagnostic(frameNumber, protocol, message));
        } else {
            droppedDiagnostics++;
        }
    }

    /** A header that does not fit: silent when the snaplen explains it. */
    private void tooShort(String protocol, int have, int need) {
        if (!truncated) {
            problem(protocol, "frame too short for the " + protocol + " header (" + Math.max(0, have) + " of "
                    + need + " bytes)");
        }
    }

    private static int u8(ByteBuffer d, int i) {
        return d.get(i) & 0xff;
    }

    private static int u16(ByteBuffer d, int i) {
        return d.getShort(i) & 0xffff;
    }

    private void link(ByteBuffer d, int type, int off, int end) {
        switch (type) {
            case 1 -> ether(d, off, end, 0);
            case 113 -> {
                if (end - off < 16) {
                    tooShort("sll", end - off, 16);
                } else {
                    if (headers != null) {
                        header("sll", d, off, 16, end);
                    }
                    ethertype(d, u16(d, off + 14), off + 16, end, 0);
                }
            }
            case 276 -> {
                if (end - off < 20) {
                    tooShort("sll2", end - off, 20);
                } else {
                    if (headers != null) {
                        header("sll2", d, off, 20, end);
                    }
                    ethertype(d, u16(d, off), off + 20, end, 0);
                }
            }
            case 0, 108 -> {
                if (end - off < 4) {
                    tooShort("null", end - off, 4);
                    return;
                }
                int fam = d.getInt(off);
                // DLT_NULL stores the family in the capturing host's byte order; LOOP in network order.
                if (type == 0 && (fam & 0xFFFF_0000) != 0) {
                    fam = Integer.reverseBytes(fam);
                }
                if (headers != null) {
                    header(type == 0 ? "null" : "loop", d, off, 4, end);
                }
                switch (fam) {
                    case 2 -> ipv4(d, off + 4, end, 0);
                    case 10, 23, 24, 28, 30 -> ipv6(d, off + 4, end, 0);
                    default -> undecoded++;
                }
            }
            case 12, 14, 101 -> rawIp(d, off, end, 0);
            case 226 -> {
                // Solaris IPnet: version, address family (2 IPv4, 26 IPv6), then 22 bytes of interface and zone
                if (end - off < 24) {
                    tooShort("ipnet", end - off, 24);
                    return;
                }
                if (headers != null) {
                    header("ipnet", d, off, 24, end);
                }
                switch (u8(d, off + 1)) {
                    case 2 -> ipv4(d, off + 24, end, 0);
                    case 26 -> ipv6(d, off + 24, end, 0);
                    default -> undecoded++;
                }
            }
            case 228 -> ipv4(d, off, end, 0);
            case 229 -> ipv6(d, off, end, 0);
            case 105 -> wlan(d, off, end, false);
            case 127 -> radiotap(d, off, end);
            case 192 -> {
                // PPI: version, flags, header length, the link type of what follows (little-endian)
                if (end - off < 8) {
                    tooShort("ppi", end - off, 8);
                    return;
                }
                int len = le16(d, off + 2);
                int dlt = Integer.reverseBytes(d.getInt(off + 4));
                if (len < 8 || len > end - off) {
                    problem("ppi", "PPI header length " + len + " outside the frame (" + (end - off) + " bytes)");
                    return;
                }
                if (headers != null) {
                    header("ppi", d, off, len, end);
                }
                if (dlt == 105) {
                    wlan(d, off + len, end, false);
                } else if (dlt == 1) {
                    ether(d, off + len, end, 0);
                } else {
                    undecoded++;
                }
            }
            default -> {
                undecoded++;
                if ((type & 0xFFFF_0000) != LinkTypes.NETMON_BASE && unknownLinks.add(type)) {
                    problem("link", "frames of " + LinkTypes.name(type) + " are not decoded");
                }
            }
        }
    }

    /**
     * Radiotap: version 0, a pad byte, the header's length and the presence bitmaps (little-endian; bit 31 chains
     * another). Only the Flags field matters here: it follows TSFT (8 bytes, 8-aligned) when that is present, and
     * says whether the frame ends with its FCS and whether the 802.11 header is padded to four bytes.
     */
    private void radiotap(ByteBuffer d, int off, int end) {
        if (end - off < 8) {
            tooShort("radiotap", end - off, 8);
            return;
        }
        int len = le16(d, off + 2);
        if (u8(d, off) != 0 || len < 8 || len > end - off) {
            problem("radiotap", "radiotap header of version " + u8(d, off) + " and length " + len
                    + " does not fit the frame (" + (end - off) + " bytes)");
            return;
        }
        if (headers != null) {
            header("radiotap", d, off, len, end);
        }
        int present = Integer.reverseBytes(d.getInt(off + 4));
        int p = off + 8;
        for (int word = present; word < 0 && p + 4 <= off + len; p += 4) {
            word = Integer.reverseBytes(d.getInt(p)); // bit 31: another bitmap follows
        }
        int flags = 0;
        if ((present & 1) != 0) {
            p = off + ((p - off + 7) & ~7) + 8; // TSFT
        }
        if ((present & 2) != 0 && p < off + len) {
            flags = u8(d, p);
        }
        if ((flags & 0x10) != 0 && end - (off + len) >= 4) {
            end -= 4; // the FCS
        }
        wlan(d, off + len, end, (flags & 0x20) != 0);
    }

    private static int le16(ByteBuffer d, int i) {
        return Short.reverseBytes(d.getShort(i)) & 0xffff;
    }

    /**
     * An IEEE 802.11 frame: data frames only (management and control frames carry no IP), with three or four
     * addresses, QoS control and HT control; the payload is LLC/SNAP, or A-MSDU subframes each with its own.
     * Fragments and null-data frames are skipped, protected (encrypted) frames counted and reported once.
     *
     * @param padded whether the header is padded to a multiple of four bytes (radiotap's flag)
     */
    private void wlan(ByteBuffer d, int off, int end, boolean padded) {
        if (end - off < 24) {
            tooShort("802.11", end - off, 24);
            return;
        }
        int fc0 = u8(d, off);
        int fc1 = u8(d, off + 1);
        int subtype = fc0 >> 4;
        if ((fc0 & 0x0C) != 0x08 || (subtype & 0x04) != 0) {
            return; // not a data frame, or one without data
        }
        if ((fc1 & 0x40) != 0) {
            undecoded++;
            if (!encrypted80211) {
                encrypted80211 = true;
                problem("802.11", "encrypted 802.11 frames are not decoded: decrypt them first (Wireshark's IEEE "
                        + "802.11 decryption keys, then File > Export Specified Packets)");
            }
            return;
        }
        if ((fc1 & 0x04) != 0 || (u8(d, off + 22) & 0x0F) != 0) {
            return; // a fragment
        }
        int hdr = (fc1 & 0x03) == 0x03 ? 30 : 24;
        boolean amsdu = false;
        if ((subtype & 0x08) != 0) {
            if (end - off < hdr + 2) {
                tooShort("802.11", end - off, hdr + 2);
                return;
            }
            amsdu = (u8(d, off + hdr) & 0x80) != 0;
            hdr += 2;
            if ((fc1 & 0x80) != 0) {
                hdr += 4; // HT control
            }
        }
        if (padded) {
            hdr = (hdr + 3) & ~3;
        }
        if (headers != null && hdr <= end - off) {
            header("wlan", d, off, hdr, end);
        }
        int p = off + hdr;
        if (!amsdu) {
            llc(d, p, end);
            return;
        }
        // A-MSDU: subframes of destination, source, length (big-endian) and an LLC/SNAP payload, padded to four
        for (int n = 0; n < 64 && end - p >= 14; n++) {
            int len = u16(d, p + 12);
            if (len > end - p - 14) {
                problem("802.11", "A-MSDU subframe of " + len + " bytes runs past the frame");
                return;
            }
            llc(d, p + 14, p + 14 + len);
            p += (14 + len + 3) & ~3;
        }
    }

    /** LLC with SNAP (AA AA 03, an OUI, the EtherType); any other LLC carries nothing of ours. */
    private void llc(ByteBuffer d, int off, int end) {
        if (end - off >= 8 && u8(d, off) == 0xAA && u8(d, off + 1) == 0xAA && u8(d, off + 2) == 0x03) {
            if (headers != null) {
                header("llc", d, off, 8, end);
            }
            ethertype(d, u16(d, off + 6), off + 8, end, 0);
        }
    }

    private void rawIp(ByteBuffer d, int off, int end, int depth) {
        if (end - off < 1) {
            tooShort("ip", 0, 20);
            return;
        }
        int v = u8(d, off) >> 4;
        if (v == 4) {
            ipv4(d, off, end, depth);
        } else if (v == 6) {
            ipv6(d, off, end, depth);
        } else {
            problem("ip", "raw IP frame with IP version " + v);
        }
    }

    private void ether(ByteBuffer d, int off, int end, int depth) {
        if (end - off < 14) {
            tooShort("ethernet", end - off, 14);
            return;
        }
        int type = u16(d, off + 12);
        if (headers != null) {
            header("eth", d, off, 14, end);
        }
        off += 14;
        if (type < 0x0600) {
            // IEEE 802.3 length field: LLC follows. Only SNAP carries an EtherType; STP, NetBIOS, IPX are not ours.
            if (end - off >= 8 && u8(d, off) == 0xAA && u8(d, off + 1) == 0xAA && u8(d, off + 2) == 0x03) {
                if (headers != null) {
                    header("llc", d, off, 8, end);
                }
                type = u16(d, off + 6);
                off += 8;
            } else {
                return;
            }
        }
        ethertype(d, type, off, end, depth);
    }

    private void ethertype(ByteBuffer d, int type, int off, int end, int depth) {
        for (int tags = 0; tags < 8; tags++) {
            switch (type) {
                case 0x0800 -> {
                    ipv4(d, off, end, depth);
                    return;
                }
                case 0x86DD -> {
                    ipv6(d, off, end, depth);
                    return;
                }
                case 0x8100, 0x88A8, 0x9100, 0x9200 -> {
                    if (end - off < 4) {
                        tooShort("vlan", end - off, 4);
                        return;
                    }
                    if (headers != null) {
                        header(type == 0x88A8 ? "ieee8021ad" : "vlan", d, off, 4, end);
                    }
                    type = u16(d, off + 2);
                    off += 4;
                }
                case 0x8847, 0x8848 -> {
                    while (end - off >= 4) {
                        int label = d.getInt(off);
                        if (headers != null) {
                            header("mpls", d, off, 4, end);
                        }
                        off += 4;
                        if ((label & 0x100) != 0) {
                            break;
                        }
                    }
                    if (end - off >= 1) {
                        int v = u8(d, off) >> 4;
                        if (v == 4 || v == 6) {
                            rawIp(d, off, end, depth);
                        }
                    }
                    return;
                }
                case 0x8864 -> {
                    if (end - off < 8) {
                        tooShort("pppoe", end - off, 8);
                        return;
                    }
                    int ppp = u16(d, off + 6);
                    if (headers != null) {
                        header("pppoes", d, off, 6, end);
                        header("ppp", d, off + 6, 2, end);
                    }
                    if (ppp == 0x0021) {
                        ipv4(d, off + 8, end, depth);
                    } else if (ppp == 0x0057) {
                        ipv6(d, off + 8, end, depth);
                    }
                    return;
                }
                default -> {
                    return;
                }
            }
        }
    }

    private void setIp(long sh, long sl, long dh, long dl, int proto) {
        haveIp = true;
        havePorts = false;
        sHi = sh;
        sLo = sl;
        dHi = dh;
        dLo = dl;
        ipProto = proto;
        ipPackets++;
    }

    private void ipv4(ByteBuffer d, int off, int end, int depth) {
        int avail = end - off;
        if (avail < 20) {
            tooShort("ipv4", avail, 20);
            return;
        }
        int vihl = u8(d, off);
        if (vihl >> 4 != 4) {
            problem("ipv4", "IPv4 header with version " + (vihl >> 4));
            return;
        }
        int ihl = (vihl & 15) * 4;
        if (ihl < 20) {
            problem("ipv4", "IPv4 header length " + ihl + " is below the minimum of 20");
            return;
        }
        if (ihl > avail) {
            tooShort("ipv4", avail, ihl);
            return;
        }
        int total = u16(d, off + 2);
        int declEnd;
        if (total == 0) {
            // Segmentation offload hands up packets with total length 0: the frame is the packet.
            declEnd = end;
        } else if (total < ihl) {
            problem("ipv4", "IPv4 total length " + total + " is shorter than its header (" + ihl + ")");
            return;
        } else {
            declEnd = off + total;
        }
        int capEnd = Math.min(declEnd, end);
        int fo = u16(d, off + 6);
        int proto = u8(d, off + 9);
        long src = d.getInt(off + 12) & 0xffffffffL;
        long dst = d.getInt(off + 16) & 0xffffffffL;
        setIp(Addr.V4, src, Addr.V4, dst, proto);
        if (headers != null) {
            header("ip", d, off, ihl, declEnd);
        }
        // version to fragment offset; protocol and source (TTL and checksum left out); destination
        if (headers == null && repeat(d.getLong(off), d.getLong(off + 8) & 0x00FF0000_FFFFFFFFL, dst, d, off + ihl, capEnd)) {
            repeatPorts(d, (fo & 0x1FFF) == 0 ? proto : -1, off + ihl, capEnd);
            return;
        }
        int fragOff = (fo & 0x1FFF) * 8;
        boolean more = (fo & 0x2000) != 0;
        if (fragOff != 0 || more) {
            if (capEnd < declEnd) {
                problem("ipv4", "a fragment cut by the snaplen cannot be reassembled");
                return;
            }
            ByteBuffer r = defrag.add(cur.timeNanos(), "ipv4", Addr.V4, src, Addr.V4, dst, u16(d, off + 4), proto,
                    fragOff, more, d, off + ihl, capEnd - (off + ihl), proto);
            if (r != null) {
                detached = true;
                transport(r, proto, 0, r.limit(), r.limit(), depth);
            }
            return;
        }
        transport(d, proto, off + ihl, capEnd, declEnd, depth);
    }

    private void ipv6(ByteBuffer d, int off, int end, int depth) {
        int avail = end - off;
        if (avail < 40) {
            tooShort("ipv6", avail, 40);
            return;
        }
        if (u8(d, off) >> 4 != 6) {
            problem("ipv6", "IPv6 header with version " + (u8(d, off) >> 4));
            return;
        }
        int plen = u16(d, off + 4);
        int nh = u8(d, off + 6);
        // Payload length 0: a jumbogram or an offloaded segment; the frame is the packet.
        int declEnd = plen == 0 ? end : off + 40 + plen;
        int capEnd = Math.min(declEnd, end);
        setIp(d.getLong(off + 8), d.getLong(off + 16), d.getLong(off + 24), d.getLong(off + 32), nh);
        if (headers != null) {
            header("ipv6", d, off, 40, declEnd);
        }
        // version to next header (hop limit left out), source, destination
        long addresses = d.getLong(off + 8) * 31 + d.getLong(off + 16);
        addresses = addresses * 31 + d.getLong(off + 24);
        if (headers == null && repeat(d.getLong(off) & 0xFFFFFFFF_FFFFFF00L, addresses, d.getLong(off + 32), d, off + 40, capEnd)) {
            repeatPorts(d, nh, off + 40, capEnd);
            return;
        }
        ipv6Payload(d, off + 40, capEnd, declEnd, nh, depth);
    }

    /**
     * Whether this IP packet (known by three words of its header and the first 16 bytes from {@code p}, as far as
     * captured) is one a frame at most {@link #REPEAT_WINDOW_NANOS} earlier carried; else remembers it. A repeat is
     * counted, the first one reported.
     */
    private boolean repeat(long a, long b, long c, ByteBuffer d, int p, int capEnd) {
        // independent products (they overlap in the CPU), then one mix
        long h = a * 0x9E3779B97F4A7C15L ^ b * 0xC2B2AE3D27D4EB4FL ^ c * 0x165667B19E3779F9L;
        int rest = capEnd - p;
        if (rest >= 16) {
            // the first 16 bytes after the IP header and the last 8 captured
            h ^= d.getLong(p) * 0x27D4EB2F165667C5L ^ d.getLong(p + 8) * 0x94D049BB133111EBL
                    ^ d.getLong(capEnd - 8) * 0xBF58476D1CE4E5B9L;
        } else {
            for (int i = 0; i < rest; i++) {
                h = (h ^ d.get(p + i)) * 0xC2B2AE3D27D4EB4FL;
            }
        }
        h = (h ^ h >>> 31) * 0x9E3779B97F4A7C15L;
        int slot = (int) (h >>> 54) * 3;
        long t = cur.timeNanos();
        long[] r = recent;
        long apart = t - r[slot + 1];
        if (r[slot] == h && r[slot + 2] != 0 && apart <= REPEAT_WINDOW_NANOS && apart >= -REPEAT_WINDOW_NANOS
                && r[slot + 2] != cur.number()) {
            if (report && repeatPairCount < REPEATS_KEPT && cur.number() != lastRepeat) {
                if (2 * repeatPairCount + 2 > repeatPairs.length) {
                    repeatPairs = java.util.Arrays.copyOf(repeatPairs, repeatPairs.length * 2);
                }
                repeatPairs[2 * repeatPairCount] = cur.number();
                repeatPairs[2 * repeatPairCount + 1] = r[slot + 2];
                repeatPairCount++;
                lastRepeat = cur.number();
            }
            if (repeats++ == 0) {
                problem("net", "frame " + cur.number() + " repeats the IP packet of frame " + r[slot + 2]
                        + ", captured " + String.format(java.util.Locale.ROOT, "%.3f", Math.abs(apart) / 1e6)
                        + " ms apart (two capture points, or a mirror port copying both directions): "
                        + "a packet captured twice is analysed once");
            }
            return true;
        }
        r[slot] = h;
        r[slot + 1] = t;
        r[slot + 2] = cur.number();
        return false;
    }

    /** The ports of a repeated packet, for {@link #lastFlow()}: the frame belongs to its conversation all the same. */
    private void repeatPorts(ByteBuffer d, int proto, int p, int capEnd) {
        if ((proto == 6 || proto == 17) && capEnd - p >= 4) {
            sPort = u16(d, p);
            dPort = u16(d, p + 2);
            havePorts = true;
        }
    }

    private long lastRepeat;

    /**
     * The repeats this decoder reports (the first of its shares reports them all): each repeated frame and the frame
     * it repeated, in frame order; the first {@link #REPEATS_KEPT}.
     */
    public long[] repeatPairs() {
        return java.util.Arrays.copyOf(repeatPairs, 2 * repeatPairCount);
    }

    /** Frames whose IP packet repeated one captured just before (see the class comment): not analysed again. */
    public long repeatedFrames() {
        return repeats;
    }

    private void ipv6Payload(ByteBuffer d, int p, int capEnd, int declEnd, int nh, int depth) {
        for (int hops = 0; hops < 16; hops++) {
            switch (nh) {
                case 0, 43, 60, 135, 139, 140 -> {
                    if (capEnd - p < 8) {
                        tooShort("ipv6", capEnd - p, 8);
                        return;
                    }
                    int next = u8(d, p);
                    int len = (u8(d, p + 1) + 1) * 8;
                    if (headers != null && len <= capEnd - p) {
                        header(switch (nh) {
                            case 0 -> "ipv6.hopopts";
                            case 43 -> "ipv6.routing";
                            case 60 -> "ipv6.dstopts";
                            case 135 -> "mipv6";
                            case 139 -> "hip";
                            default -> "shim6";
                        }, d, p, len, declEnd);
                    }
                    p += len;
                    nh = next;
                }
                case 51 -> {
                    if (capEnd - p < 8) {
                        tooShort("ipv6", capEnd - p, 8);
                        return;
                    }
                    int next = u8(d, p);
                    int len = (u8(d, p + 1) + 2) * 4;
                    if (headers != null && len <= capEnd - p) {
                        header("ah", d, p, len, declEnd);
                    }
                    p += len;
                    nh = next;
                }
                case 44 -> {
                    if (capEnd - p < 8) {
                        tooShort("ipv6", capEnd - p, 8);
                        return;
                    }
                    int next = u8(d, p);
                    int fo = u16(d, p + 2);
                    int fragOff = fo & 0xFFF8;
                    boolean more = (fo & 1) != 0;
                    int id = d.getInt(p + 4);
                    if (headers != null) {
                        header("ipv6.fraghdr", d, p, 8, declEnd);
                    }
                    p += 8;
                    if (fragOff == 0 && !more) {
                        nh = next; // an atomic fragment (RFC 6946)
                        continue;
                    }
                    if (capEnd < declEnd) {
                        problem("ipv6", "a fragment cut by the snaplen cannot be reassembled");
                        return;
                    }
                    ipProto = next;
                    ByteBuffer r = defrag.add(cur.timeNanos(), "ipv6", sHi, sLo, dHi, dLo, id, -1, fragOff, more, d, p,
                            capEnd - p, next);
                    if (r != null) {
                        detached = true;
                        ipv6Payload(r, 0, r.limit(), r.limit(), defrag.completedNextHeader, depth);
                    }
                    return;
                }
                case 59, 50 -> {
                    ipProto = nh;
                    return;
                }
                default -> {
                    if (p > capEnd) {
                        tooShort("ipv6", capEnd - p, 0);
                        return;
                    }
                    ipProto = nh;
                    transport(d, nh, p, capEnd, declEnd, depth);
                    return;
                }
            }
            if (p > capEnd) {
                tooShort("ipv6", capEnd - p, 0);
                return;
            }
        }
    }

    private void transport(ByteBuffer d, int proto, int off, int capEnd, int declEnd, int depth) {
        switch (proto) {
            case 6 -> tcp(d, off, capEnd, declEnd);
            case 17 -> udp(d, off, capEnd, declEnd);
            case 47 -> {
                if (depth < MAX_DEPTH) {
                    gre(d, off, capEnd, depth + 1);
                } else {
                    problem("ip", "tunnels nested more than " + MAX_DEPTH + " deep: the inner packet is not read");
                }
            }
            case 4 -> {
                if (depth < MAX_DEPTH) {
                    ipv4(d, off, capEnd, depth + 1);
                } else {
                    problem("ip", "tunnels nested more than " + MAX_DEPTH + " deep: the inner packet is not read");
                }
            }
            case 41 -> {
                if (depth < MAX_DEPTH) {
                    ipv6(d, off, capEnd, depth + 1);
                } else {
                    problem("ip", "tunnels nested more than " + MAX_DEPTH + " deep: the inner packet is not read");
                }
            }
            case 1 -> icmp(d, off, capEnd, false);
            case 58 -> icmp(d, off, capEnd, true);
            default -> {
                // ESP, OSPF …: nothing above IP that Kerbscope reads.
            }
        }
    }

    /**
     * ICMP type 3 / ICMPv6 type 1, destination unreachable: the header (8 bytes) is followed by as much of the refused
     * packet as fits, at least its IP header and the first 8 bytes above it (RFC 792; RFC 4443 2.4), which hold a UDP
     * or TCP header's ports. Other ICMP messages, and quotes cut too short to hold the ports, are passed over.
     */
    private void icmp(ByteBuffer d, int off, int end, boolean v6) {
        if (headers != null && end - off >= 4) {
            header(v6 ? "icmpv6" : "icmp", d, off, Math.min(8, end - off), end);
        }
        if (share != 0 || end - off < 8) {
            return; // the first share reports ICMP messages: each once, whatever the number of reading threads
        }
        int type = u8(d, off);
        int code = u8(d, off + 1);
        if (type != (v6 ? 1 : 3)) {
            return;
        }
        String reason = v6 ? switch (code) {
            case 0 -> "no route to destination";
            case 1 -> "administratively prohibited";
            case 3 -> "address unreachable";
            case 4 -> "port unreachable";
            case 5, 6 -> "administratively prohibited";
            default -> "destination unreachable";
        } : switch (code) {
            case 0 -> "network unreachable";
            case 1 -> "host unreachable";
            case 3 -> "port unreachable";
            case 9, 10, 13 -> "administratively prohibited";
            default -> "destination unreachable";
        };
        int q = off + 8;
        int proto, ports, alen = v6 ? 16 : 4, srcAt, dstAt;
        if (v6) {
            if (end - q < 40 || (u8(d, q) >> 4) != 6) {
                return;
            }
            proto = u8(d, q + 6);
            srcAt = q + 8;
            dstAt = q + 24;
            ports = q + 40;
        } else {
            if (end - q < 20 || (u8(d, q) >> 4) != 4) {
                return;
            }
            int ihl = (u8(d, q) & 0x0F) * 4;
            if (ihl < 20 || (u16(d, q + 6) & 0x1FFF) != 0) {
                return; // a later fragment holds no ports
            }
            proto = u8(d, q + 9);
            srcAt = q + 12;
            dstAt = q + 16;
            ports = q + ihl;
        }
        if ((proto != 6 && proto != 17) || end - ports < 4) {
            return;
        }
        byte[] src = new byte[alen];
        byte[] dst = new byte[alen];
        d.get(srcAt, src);
        d.get(dstAt, dst);
        FlowKey refused = new FlowKey(src, u16(d, ports), dst, u16(d, ports + 2), proto);
        handler.unreachable(frame(), refused, reason);
        if (proto == 17 && end - ports > 8) {
            // the quoted datagram's payload, bounded by its own UDP length where the quote holds it whole
            int udpLen = u16(d, ports + 4);
            int payEnd = udpLen >= 8 ? Math.min(end, ports + udpLen) : end;
            if (payEnd > ports + 8) {
                Frame f = frame();
                handler.quotedDatagram(f, refused, payload(f, d, ports + 8, payEnd - (ports + 8)),
                        detached ? -1 : ports + 8 - base);
            }
        }
    }

    private void gre(ByteBuffer d, int off, int end, int depth) {
        if (end - off < 4) {
            tooShort("gre", end - off, 4);
            return;
        }
        int flags = u16(d, off);
        int ptype = u16(d, off + 2);
        int hl = 4;
        if ((flags & 0xC000) != 0) {
            hl += 4; // checksum (and offset) present
        }
        if ((flags & 0x2000) != 0) {
            hl += 4; // key
        }
        boolean seq = (flags & 0x1000) != 0;
        if (seq) {
            hl += 4;
        }
        if ((flags & 7) == 1) {
            if ((flags & 0x0080) != 0) {
                hl += 4; // PPTP acknowledgment number
            }
            return; // PPTP carries PPP, usually encrypted: nothing to read
        }
        if (end - off < hl) {
            tooShort("gre", end - off, hl);
            return;
        }
        if (headers != null) {
            header("gre", d, off, hl, end);
        }
        int p = off + hl;
        switch (ptype) {
            case 0x6558 -> ether(d, p, end, depth);
            case 0x88BE -> {
                // ERSPAN type II has an 8-byte header and a GRE sequence number; type I has neither.
                if (seq) {
                    if (end - p < 8) {
                        tooShort("erspan", end - p, 8);
                        return;
                    }
                    if (headers != null) {
                        header("erspan", d, p, 8, end);
                    }
                    p += 8;
                }
                ether(d, p, end, depth);
            }
            case 0x22EB -> {
                if (end - p < 12) {
                    tooShort("erspan", end - p, 12);
                    return;
                }
                int w = u16(d, p + 10);
                int frameType = (w >> 10) & 0x1F;
                int len = 12 + ((w & 1) != 0 ? 8 : 0); // O flag: an 8-byte platform-specific subheader follows
                if (end - p < len) {
                    tooShort("erspan", end - p, len);
                    return;
                }
                if (headers != null) {
                    header("erspan", d, p, len, end);
                }
                p += len;
                if (frameType == 0) {
                    ether(d, p, end, depth);
                } else if (frameType == 2) {
                    rawIp(d, p, end, depth);
                }
            }
            default -> ethertype(d, ptype, p, end, depth);
        }
    }

    private void udp(ByteBuffer d, int off, int capEnd, int declEnd) {
        if (capEnd - off < 8) {
            tooShort("udp", capEnd - off, 8);
            return;
        }
        int sp = u16(d, off);
        int dp = u16(d, off + 2);
        if (!owns(sp, dp)) {
            return;
        }
        int ulen = u16(d, off + 4);
        if (headers != null) {
            header("udp", d, off, 8, declEnd);
        }
        havePorts = true;
        sPort = sp;
        dPort = dp;
        udpDatagrams++;
        int pEnd;
        if (ulen >= 8 && off + ulen <= declEnd) {
            pEnd = off + ulen;
        } else {
            if (ulen != 0) {
                problem("udp", "UDP length " + ulen + " does not fit the IP payload of " + (declEnd - off)
                        + " bytes");
            }
            pEnd = declEnd;
        }
        int capPay = Math.min(pEnd, capEnd);
        UdpFlow flow = udpFlow(sp, dp);
        Frame f = frame();
        handler.datagram(f, flow, flow.firstIsCanonical != probe.swapped, payload(f, d, off + 8, capPay - (off + 8)),
                detached ? -1 : off + 8 - base);
    }

    /**
     * Whether this decoder's share holds the flow of the current IP addresses and these ports; from here on the
     * flow's problems are this decoder's to report.
     */
    private boolean owns(int sp, int dp) {
        if (shares == 1) {
            return true;
        }
        long hi, lo;
        boolean srcIsClient = sp > dp || (sp == dp && (Long.compareUnsigned(sHi, dHi) < 0
                || (sHi == dHi && Long.compareUnsigned(sLo, dLo) <= 0)));
        if (srcIsClient) {
            hi = sHi;
            lo = sLo;
        } else {
            hi = dHi;
            lo = dLo;
        }
        long h = hi * 0x9E3779B97F4A7C15L ^ lo * 0xC2B2AE3D27D4EB4FL;
        h ^= h >>> 29;
        h *= 0xBF58476D1CE4E5B9L;
        h ^= h >>> 32;
        boolean mine = Math.floorMod(h, (long) shares) == share;
        report = mine;
        return mine;
    }

    private UdpFlow udpFlow(int sp, int dp) {
        probe.set(sHi, sLo, sp, dHi, dLo, dp, 17);
        UdpFlow flow = udpFlows.get(probe);
        if (flow == null) {
            if (udpFlows.size() >= limits.maxUdpFlows()) {
                evictUdp();
            }
            flow = new UdpFlow(new FlowKey(Addr.bytes(sHi, sLo), sp, Addr.bytes(dHi, dLo), dp, 17), !probe.swapped);
            udpFlows.put(probe.copy(), flow);
        }
        flow.lastFrame = cur.number();
        return flow;
    }

    /**
     * Forgets the least recently active half of the UDP conversations: DNS alone opens one per query, so a long
     * capture would otherwise hold them all. A request and its answer are close together; what is forgotten has
     * been quiet for a long stretch of the capture (seen again, it starts afresh; nothing to report).
     */
    private void evictUdp() {
        long[] last = new long[udpFlows.size()];
        int i = 0;
        for (UdpFlow f : udpFlows.values()) {
            last[i++] = f.lastFrame;
        }
        java.util.Arrays.sort(last);
        long cut = last[last.length / 2];
        udpFlows.values().removeIf(f -> f.lastFrame <= cut);
    }

    private void tcp(ByteBuffer d, int off, int capEnd, int declEnd) {
        if (capEnd - off < 20) {
            tooShort("tcp", capEnd - off, 20);
            return;
        }
        int doff = (u8(d, off + 12) >> 4) * 4;
        if (doff < 20) {
            problem("tcp", "TCP header length " + doff + " is below the minimum of 20");
            return;
        }
        if (off + doff > capEnd) {
            tooShort("tcp", capEnd - off, doff);
            return;
        }
        int sp = u16(d, off);
        int dp = u16(d, off + 2);
        if (!owns(sp, dp)) {
            return;
        }
        if (headers != null) {
            header("tcp", d, off, doff, declEnd);
        }
        havePorts = true;
        sPort = sp;
        dPort = dp;
        tcpSegments++;
        int pay = off + doff;
        int cap = Math.max(0, capEnd - pay);
        int decl = Math.max(cap, declEnd - pay);
        probe.set(sHi, sLo, sp, dHi, dLo, dp, 6);
        tcp.segment(cur, detached ? 0 : base, probe, sHi, sLo, sp, dHi, dLo, dp, d.getInt(off + 4), d.getInt(off + 8), u8(d, off + 13), d,
                pay, cap, decl, detached);
    }
}
