package org.kerbscope.evidence.windows.evtx;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Binary XML of one chunk: parses template definitions once (cached by their chunk offset, as records refer to
 * them) and renders records by filling a template's substitutions with the record's values. Names are kept in the
 * chunk's string table and referred to by offset. Every read is bounds-checked, and depth, nesting of embedded
 * Binary XML and node counts are bounded, so a damaged or hostile chunk ends in an {@link EvtxFormatException}.
 */
final class BinXml {
    static final int MAX_DEPTH = 64;
    static final int MAX_NESTING = 8;
    static final int MAX_NODES = 50_000;
    static final int MAX_VALUES = 4096;

    private final byte[] chunk;
    private final int length;
    private final Map<Integer, Object> templates = new HashMap<>();
    private final Map<Integer, String> names = new HashMap<>();

    BinXml(byte[] chunk, int length) {
        this.chunk = chunk;
        this.length = length;
    }

    // --- the template model ---------------------------------------------------------------------------------

    private sealed interface Node permits Elem, Text, Sub {
    }

    private record Elem(String name, List<Attr> attrs, List<Node> content) implements Node {
    }

    private record Attr(String name, List<Node> value) {
    }

    private record Text(String text) implements Node {
    }

    private record Sub(int index, int type, boolean optional) implements Node {
    }

    private record Template(List<Node> content) {
    }

    private record Value(int offset, int size, int type) {
    }

    /** A bounded reader over [pos, limit) of the chunk. */
    private final class Cursor {
        int pos;
        final int limit;
        int nodes;

        Cursor(int pos, int limit) {
            this.pos = pos;
            this.limit = Math.min(limit, length);
        }

        void need(int n) throws EvtxFormatException {
            if (n < 0 || pos + n > limit) {
                throw new EvtxFormatException("structure at chunk offset " + pos + " runs past its end ("
                        + limit + ")");
            }
        }

        int peek() throws EvtxFormatException {
            need(1);
            return chunk[pos] & 0xff;
        }

        int u8() throws EvtxFormatException {
            need(1);
            return chunk[pos++] & 0xff;
        }

        int u16() throws EvtxFormatException {
            need(2);
            int v = (int) Values.le(chunk, pos, 2);
            pos += 2;
            return v;
        }

        long u32() throws EvtxFormatException {
            need(4);
            long v = Values.le(chunk, pos, 4);
            pos += 4;
            return v;
        }

        String utf16(int chars) throws EvtxFormatException {
            need(chars * 2);
            String s = new String(chunk, pos, chars * 2, StandardCharsets.UTF_16LE);
            pos += chars * 2;
            return s;
        }

        void count() throws EvtxFormatException {
            if (++nodes > MAX_NODES) {
                throw new EvtxFormatException("more than " + MAX_NODES + " Binary XML nodes in one structure");
            }
        }
    }

    // --- rendering ----------------------------------------------------------------------------------------------

    /** Renders the Binary XML fragment in [start, end) of the chunk: its elements (and top-level text). */
    List<Object> render(int start, int end, int nesting) throws EvtxFormatException {
        if (nesting > MAX_NESTING) {
            throw new EvtxFormatException("Binary XML nested more than " + MAX_NESTING + " deep");
        }
        Cursor c = new Cursor(start, end);
        XElement holder = new XElement("#fragment");
        while (c.pos < c.limit) {
            int tok = c.peek();
            if (tok == 0x0f) {
                c.need(4);
                c.pos += 4;
            } else if (tok == 0x00) {
                break;
            } else if (tok == 0x0c) {
                c.u8();
                c.u8();
                c.u32(); // template id: the offset identifies the definition within the chunk
                int defOffset = (int) c.u32();
                if (defOffset == c.pos) {
                    // the definition is resident here: skip its header and body
                    c.need(24);
                    long size = Values.le(chunk, c.pos + 20, 4);
                    c.pos += 24;
                    c.need((int) Math.min(size, Integer.MAX_VALUE));
                    c.pos += (int) size;
                }
                Template t = template(defOffset);
                Value[] values = values(c);
                fill(t.content(), values, holder, nesting, 0);
            } else {
                List<Node> nodes = content(c, 0, true);
                fill(nodes, new Value[0], holder, nesting, 0);
            }
        }
        return holder.children();
    }

    private Value[] values(Cursor c) throws EvtxFormatException {
        long count = c.u32();
        if (count > MAX_VALUES) {
            throw new EvtxFormatException("substitution array claims " + count + " values, more than the fixed bound of "
                    + MAX_VALUES);
        }
        int n = (int) count;
        int[] sizes = new int[n];
        int[] types = new int[n];
        c.need(4 * n);
        for (int i = 0; i < n; i++) {
            sizes[i] = c.u16();
            types[i] = c.u8();
            c.u8();
        }
        Value[] values = new Value[n];
        for (int i = 0; i < n; i++) {
            c.need(sizes[i]);
            values[i] = new Value(c.pos, sizes[i], types[i]);
            c.pos += sizes[i];
        }
        return values;
    }

    private void fill(List<Node> nodes, Value[] values, XElement parent, int nesting, int depth)
            throws EvtxFormatException {
        if (depth > MAX_DEPTH) {
            throw new EvtxFormatException("elements nested more than " + MAX_DEPTH + " deep");
        }
        for (Node n : nodes) {
            switch (n) {
                case Elem e -> {
                    XElement x = new XElement(e.name());
                    for (Attr a : e.attrs()) {
                        XElement tmp = new XElement("#attr");
                        fill(a.value(), values, tmp, nesting, depth + 1);
                        x.attributes().put(a.name(), tmp.text());
                    }
                    fill(e.content(), values, x, nesting, depth + 1);
                    parent.children().add(x);
                }
                case Text t -> addText(parent, t.text());
                case Sub s -> {
                    if (s.index() >= values.length) {
                        break; // a missing value renders as nothing, as for a NULL one
                    }
                    Value v = values[s.index()];
                    if (v.type() == Values.BINXML) {
                        for (Object o : render(v.offset(), v.offset() + v.size(), nesting + 1)) {
                            if (o instanceof String str) {
                                addText(parent, str);
                            } else {
                                parent.children().add(o);
                            }
                        }
                    } else {
                        addText(parent, Values.render(chunk, v.offset(), v.size(), v.type()));
                    }
                }
            }
        }
    }

    private static void addText(XElement parent, String raw) {
        if (raw.isEmpty()) {
            return;
        }
        String text = xmlLineEnds(raw);
        List<Object> ch = parent.children();
        if (!ch.isEmpty() && ch.get(ch.size() - 1) instanceof String prev) {
            ch.set(ch.size() - 1, prev + text);
        } else {
            ch.add(text);
        }
    }

    /**
     * Line ends as an XML parser reports them (CR LF and lone CR become LF): the values then read the same as from
     * the event's XML rendering, which is what Event Viewer, wevtutil and python-evtx users see.
     */
    static String xmlLineEnds(String s) {
        return s.indexOf('\r') < 0 ? s : s.replace("\r\n", "\n").replace('\r', '\n');
    }

    // --- parsing templates --------------------------------------------------------------------------------------

    private Template template(int offset) throws EvtxFormatException {
        Object cached = templates.get(offset);
        if (cached instanceof Template t) {
            return t;
        }
        if (cached instanceof EvtxFormatException e) {
            throw new EvtxFormatException(e.getMessage());
        }
        try {
            if (offset < 0 || offset + 24 > length) {
                throw new EvtxFormatException("template definition at chunk offset " + offset
                        + " lies outside the chunk");
            }
            long size = Values.le(chunk, offset + 20, 4);
            if (offset + 24 + size > length) {
                throw new EvtxFormatException("template at chunk offset " + offset + " claims " + size
                        + " bytes, past the chunk's end");
            }
            Cursor c = new Cursor(offset + 24, offset + 24 + (int) size);
            Template t = new Template(content(c, 0, true));
            templates.put(offset, t);
            return t;
        } catch (EvtxFormatException e) {
            templates.put(offset, e);
            throw e;
        }
    }

    /**
     * Content up to a close-element token (consumed) or the end of the stream. At the top level the stream's
     * fragment header is skipped.
     */
    private List<Node> content(Cursor c, int depth, boolean top) throws EvtxFormatException {
        if (depth > MAX_DEPTH) {
            throw new EvtxFormatException("elements nested more than " + MAX_DEPTH + " deep");
        }
        List<Node> out = new ArrayList<>();
        while (c.pos < c.limit) {
            int tok = c.peek();
            c.count();
            switch (tok & 0x0f) {
                case 0x00 -> {
                    c.pos++;
                    return out;
                }
                case 0x0f -> {
                    c.need(4);
                    c.pos += 4;
                }
                case 0x01 -> out.add(element(c, depth));
                case 0x04 -> {
                    c.pos++;
                    if (top) {
                        throw new EvtxFormatException("close-element token without an open element at chunk offset "
                                + (c.pos - 1));
                    }
                    return out;
                }
                case 0x05, 0x07, 0x08, 0x09, 0x0d, 0x0e -> {
                    Node n = valueNode(c);
                    if (n != null) {
                        out.add(n);
                    }
                }
                case 0x0a -> {
                    c.u8();
                    name(c);
                }
                case 0x0b -> {
                    c.u8();
                    c.utf16(c.u16());
                }
                default -> throw new EvtxFormatException("unexpected Binary XML token 0x" + Integer.toHexString(tok)
                        + " at chunk offset " + c.pos);
            }
        }
        if (!top) {
            throw new EvtxFormatException("element not closed before the end of its data");
        }
        return out;
    }

    private Elem element(Cursor c, int depth) throws EvtxFormatException {
        int tok = c.u8();
        c.u16(); // dependency identifier
        c.u32(); // data size
        String name = name(c);
        List<Attr> attrs = new ArrayList<>();
        if ((tok & 0x40) != 0) {
            c.u32(); // attribute list size
            while ((c.peek() & 0x0f) == 0x06) {
                c.count();
                c.u8();
                String an = name(c);
                List<Node> value = new ArrayList<>();
                while (isValueToken(c.peek())) {
                    c.count();
                    Node n = valueNode(c);
                    if (n != null) {
                        value.add(n);
                    }
                }
                attrs.add(new Attr(an, value));
            }
        }
        int close = c.u8();
        if (close == 0x03) {
            return new Elem(name, attrs, List.of());
        }
        if (close != 0x02) {
            throw new EvtxFormatException("element <" + name + "> has token 0x" + Integer.toHexString(close)
                    + " where its start tag should close");
        }
        return new Elem(name, attrs, content(c, depth + 1, false));
    }

    private static boolean isValueToken(int tok) {
        return switch (tok & 0x0f) {
            case 0x05, 0x07, 0x08, 0x09, 0x0d, 0x0e -> true;
            default -> false;
        };
    }

    private Node valueNode(Cursor c) throws EvtxFormatException {
        int tok = c.u8();
        switch (tok & 0x0f) {
            case 0x05: {
                int type = c.u8();
                if (type != Values.WSTRING) {
                    throw new EvtxFormatException("value token of type 0x" + Integer.toHexString(type)
                            + " (only strings are defined)");
                }
                return new Text(c.utf16(c.u16()));
            }
            case 0x07:
                return new Text(c.utf16(c.u16()));
            case 0x08:
                return new Text(String.valueOf((char) c.u16()));
            case 0x09: {
                String n = name(c);
                return new Text(switch (n) {
                    case "amp" -> "&";
                    case "lt" -> "<";
                    case "gt" -> ">";
                    case "quot" -> "\"";
                    case "apos" -> "'";
                    default -> "&" + n + ";";
                });
            }
            case 0x0d:
            case 0x0e: {
                int index = c.u16();
                int type = c.u8();
                return new Sub(index, type, (tok & 0x0f) == 0x0e);
            }
            default:
                throw new EvtxFormatException("unexpected value token 0x" + Integer.toHexString(tok));
        }
    }

    /** A name reference: the string table entry at the offset, skipped over when it is defined right here. */
    private String name(Cursor c) throws EvtxFormatException {
        int offset = (int) c.u32();
        String name = names.get(offset);
        int chars;
        if (name == null) {
            if (offset < 0 || offset + 8 > length) {
                throw new EvtxFormatException("name at chunk offset " + offset + " lies outside the chunk");
            }
            chars = (int) Values.le(chunk, offset + 6, 2);
            if (offset + 8 + 2 * chars + 2 > length) {
                throw new EvtxFormatException("name at chunk offset " + offset + " runs past the chunk");
            }
            name = new String(chunk, offset + 8, 2 * chars, StandardCharsets.UTF_16LE);
            names.put(offset, name);
        } else {
            chars = name.length();
        }
        if (offset == c.pos) {
            c.need(8 + 2 * chars + 2);
            c.pos += 8 + 2 * chars + 2;
        }
        return name;
    }
}
