package org.kerbscope.net;

import java.nio.ByteBuffer;

/**
 * The headers of one frame as {@link NetworkDecoder} walks them, outermost first: what the details pane shows of the
 * link, network and transport layers of the frame a user selected ({@link FrameLayers}). Asked for one frame with
 * {@link NetworkDecoder#headersOf}; the decoder's other frames cost one comparison.
 */
public interface HeaderListener {
    /** The frame begins (before its first header): its number, lengths and time (nanoseconds since 1970). */
    default void frame(long number, int originalLength, int capturedLength, long timeNanos) {
    }

    /**
     * One header, read and found to fit.
     *
     * @param layer   Wireshark's protocol name: {@code eth}, {@code llc}, {@code vlan}, {@code ieee8021ad}, {@code mpls}, {@code pppoes},
     *                {@code ppp}, {@code sll}, {@code sll2}, {@code null}, {@code loop}, {@code ipnet}, {@code radiotap},
     *                {@code ppi}, {@code wlan}, {@code ip}, {@code ipv6}, {@code ipv6.hopopts}, {@code ipv6.routing},
     *                {@code ipv6.dstopts}, {@code ipv6.fraghdr}, {@code ah}, {@code gre}, {@code erspan}, {@code udp},
     *                {@code tcp}, {@code icmp}, {@code icmpv6}
     * @param data    the buffer that holds it (valid during the call only)
     * @param offset  where the header starts in {@code data}
     * @param length  the header's length
     * @param end     where what the header carries ends in {@code data}: the frame's captured end for the link
     *                layers, the packet's end as its IP header declares it for IP and what IP carries (which may lie
     *                past the captured bytes when the snaplen cut the frame)
     * @param inFrame where the header starts in the frame's bytes, or -1 when it lies in a packet reassembled from
     *                several frames' IP fragments
     */
    void header(String layer, ByteBuffer data, int offset, int length, int end, int inFrame);

    /** A header that cannot be read, in the words of the decoder's diagnostic. */
    void problem(String protocol, String message);
}
