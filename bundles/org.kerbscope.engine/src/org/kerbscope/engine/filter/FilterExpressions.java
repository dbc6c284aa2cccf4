package org.kerbscope.engine.filter;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.kerbscope.core.model.Event;
import org.kerbscope.core.model.FieldNode;
import org.kerbscope.core.model.Frame;
import org.kerbscope.net.NetworkDecoder;
import org.kerbscope.net.TransportHandler;

/**
 * Display filters made from what the user points at, as Wireshark's "Apply as Filter" and "Conversation Filter" make
 * them: a field of a frame's details ({@code ip.src == 192.168.2.10}, {@code kerberos.errorCode == 7}) and the
 * conversation a frame belongs to. A filter is offered only when it keeps the frame it was made from.
 */
public final class FilterExpressions {
    /** Fields Wireshark shows in hexadecimal, written so in a filter. */
    private static final Set<String> HEX = Set.of("tcp.flags", "eth.type", "vlan.etype", "ipv6.flow", "ip.id");

    private FilterExpressions() {
    }

    /** The layers of one frame, every field of them, as the display filter reads them (the frame decoded alone). */
    public static FrameLayerValues layersOf(Frame frame) {
        List<String> fields = new ArrayList<>(DisplayFilter.LAYER_FIELDS);
        fields.removeAll(FrameLayerValues.STREAM_FIELDS); // (a frame alone is its conversation's first)
        FrameLayerValues v = new FrameLayerValues(fields);
        v.reset(frame.number());
        NetworkDecoder d = new NetworkDecoder(TransportHandler.NONE);
        d.headersOf(frame.number(), v);
        d.decode(frame);
        return v;
    }

    /**
     * The filter that keeps the frames where this field has this node's value, or null when the display filter cannot
     * read the field or the filter would not keep the node's own frame.
     *
     * @param node        a node of the frame's details
     * @param eventFields the capture's event field names ({@code kerberos.errorCode} …), to which a dissector's node
     *                    name ({@code kerberos.error_code}) is matched
     * @param events      the frame's events
     * @param layers      the frame's layers ({@link #layersOf})
     */
    public static String of(FieldNode node, Collection<String> eventFields, List<Event> events, DisplayFilter.Layers layers) {
        if (node == null || node.name() == null || node.isMalformed()) {
            return null;
        }
        String name = node.name();
        String lower = name.toLowerCase(Locale.ROOT);
        if (lower.endsWith(".payload")) {
            return null; // the node holds the payload's length, the filter its bytes as text
        }
        String field = null;
        if (DisplayFilter.LAYER_FIELDS.contains(lower)) {
            field = lower;
        } else if (DisplayFilter.isWiresharkName(name)) {
            field = name; // as Wireshark writes it: http.response.code == 401
        } else {
            String loose = lower.replace("_", "");
            for (String f : eventFields) {
                if (f.replace("_", "").toLowerCase(Locale.ROOT).equals(loose)) {
                    field = name; // the node's own (Wireshark's) name: the filter reads kerberos.error_code as errorCode
                    break;
                }
            }
        }
        if (field == null) {
            return null;
        }
        String text;
        if (field.indexOf('.') < 0) {
            text = field; // a protocol's line: the frames that have it
        } else {
            String value = literal(field, node.value());
            if (value == null) {
                return null;
            }
            text = field + " == " + value;
        }
        return keeps(text, events, layers) ? text : null;
    }

    /** The kinds of conversation {@link #conversation} makes a filter of, in Wireshark's menu order. */
    public static final List<String> CONVERSATIONS = List.of("eth", "ip", "ipv6", "tcp", "udp");

    /**
     * The filter that keeps the conversation of this kind ({@link #CONVERSATIONS}) the frame belongs to, either way
     * (as Wireshark's "Conversation Filter": {@code ip.addr == a && ip.addr == b && tcp.port == p && tcp.port == q}), or
     * null when the frame has no such layer. The addresses are the innermost of a tunnel, the outer ones of an ICMP
     * error (not those it quotes).
     */
    public static String conversation(String kind, DisplayFilter.Layers layers) {
        boolean icmp = !layers.values("icmp").isEmpty() || !layers.values("icmpv6").isEmpty();
        List<String> parts = new ArrayList<>();
        switch (kind) {
            case "eth" -> pair(parts, "eth", layers, false);
            case "ip", "ipv6" -> pair(parts, kind, layers, !icmp);
            case "tcp", "udp" -> {
                if (icmp) {
                    return null; // the ports an ICMP error carries are those of the packet it quotes
                }
                if (!pair(parts, "ip", layers, true) && !pair(parts, "ipv6", layers, true)) {
                    return null;
                }
                List<Object> src = layers.values(kind + ".srcport"), dst = layers.values(kind + ".dstport");
                if (src.isEmpty()) {
                    return null;
                }
                parts.add(kind + ".port == " + src.get(src.size() - 1));
                parts.add(kind + ".port == " + dst.get(dst.size() - 1));
            }
            default -> {
                return null;
            }
        }
        return parts.isEmpty() ? null : String.join(" && ", parts);
    }

    private static boolean pair(List<String> parts, String protocol, DisplayFilter.Layers layers, boolean innermost) {
        List<Object> src = layers.values(protocol + ".src"), dst = layers.values(protocol + ".dst");
        if (src.isEmpty() || dst.isEmpty()) {
            return false;
        }
        int i = innermost ? src.size() - 1 : 0;
        parts.add(protocol + ".addr == " + src.get(i));
        parts.add(protocol + ".addr == " + dst.get(Math.min(i, dst.size() - 1)));
        return true;
    }

    /** Whether the filter keeps the frame with these events and layers. */
    public static boolean keeps(String text, List<Event> events, DisplayFilter.Layers layers) {
        try {
            return DisplayFilter.parse(text).matches(events, layers);
        } catch (DisplayFilter.FilterException e) {
            return false;
        }
    }

    /** A value as a filter writes it: a number or an address bare, text quoted. */
    static String literal(String field, Object value) {
        if (value instanceof Boolean b) {
            return b ? "1" : "0";
        }
        if (value instanceof Number n) {
            long l = n.longValue();
            if (n.doubleValue() != l) {
                return n.toString();
            }
            return HEX.contains(field) && l >= 0 ? "0x" + Long.toHexString(l) : Long.toString(l);
        }
        if (value instanceof CharSequence || value instanceof Enum<?>) {
            String s = value.toString();
            if (s.length() > 200) {
                return null;
            }
            if (!s.isEmpty() && (Literal.of(s).address != null || Literal.number(s) != null && !s.contains(" "))) {
                return s;
            }
            StringBuilder b = new StringBuilder("\"");
            for (char c : s.toCharArray()) {
                if (c == '"' || c == '\\') {
                    b.append('\\');
                }
                b.append(c);
            }
            return b.append('"').toString();
        }
        return null;
    }
}
