package org.kerbscope.evidence.windows.evtx;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An XML element as an event renders: its local name, attributes in order, and children that are either
 * elements or text. Both the .evtx reader and the XML reader produce these, so one extraction serves both.
 */
public final class XElement {
    private final String name;
    private final Map<String, String> attributes = new LinkedHashMap<>();
    private final List<Object> children = new ArrayList<>();

    public XElement(String name) {
        this.name = name;
    }

    public String name() {
        return name;
    }

    public Map<String, String> attributes() {
        return attributes;
    }

    /** Elements ({@link XElement}) and text ({@link String}) in document order. */
    public List<Object> children() {
        return children;
    }

    public String attribute(String attr) {
        return attributes.get(attr);
    }

    /** The first child element with this local name, or null. */
    public XElement child(String local) {
        for (Object o : children) {
            if (o instanceof XElement e && e.name.equals(local)) {
                return e;
            }
        }
        return null;
    }

    public List<XElement> elements() {
        List<XElement> out = new ArrayList<>();
        for (Object o : children) {
            if (o instanceof XElement e) {
                out.add(e);
            }
        }
        return out;
    }

    /** The concatenated text of this element and its descendants, as an XML parser would report it. */
    public String text() {
        StringBuilder sb = new StringBuilder();
        appendText(sb);
        return sb.toString();
    }

    private void appendText(StringBuilder sb) {
        for (Object o : children) {
            if (o instanceof String s) {
                sb.append(s);
            } else {
                ((XElement) o).appendText(sb);
            }
        }
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        write(sb);
        return sb.toString();
    }

    private void write(StringBuilder sb) {
        sb.append('<').append(name);
        attributes.forEach((k, v) -> sb.append(' ').append(k).append("='").append(escape(v)).append('\''));
        if (children.isEmpty()) {
            sb.append("/>");
            return;
        }
        sb.append('>');
        for (Object o : children) {
            if (o instanceof String s) {
                sb.append(escape(s));
            } else {
                ((XElement) o).write(sb);
            }
        }
        sb.append("</").append(name).append('>');
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("'", "&apos;");
    }
}
