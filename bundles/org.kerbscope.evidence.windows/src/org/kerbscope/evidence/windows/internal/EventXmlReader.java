package org.kerbscope.evidence.windows.internal;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;

import org.kerbscope.evidence.windows.evtx.XElement;
import org.w3c.dom.Element;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.Node;
import org.xml.sax.ErrorHandler;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;

/**
 * Event XML as Event Viewer saves it ({@code <Events>} root) and as {@code wevtutil qe … /f:xml} prints it (a run
 * of {@code <Event>} elements without a root). The stream is cut into its {@code <Event>} elements, and each is
 * parsed on its own by the JDK's parser in secure mode with DTDs refused, so one broken event costs only itself
 * and no entity or external resource is ever resolved.
 */
public final class EventXmlReader {
    /** An event element larger than this is not an event. */
    static final int MAX_EVENT_CHARS = 4 << 20;
    private static final Pattern EVENT_START = Pattern.compile("<(?:[A-Za-z_][\\w.-]*:)?Event(?=[\\s>/])");
    private static final Pattern EVENT_END = Pattern.compile("</(?:[A-Za-z_][\\w.-]*:)?Event\\s*>");
    private static final Pattern HARMLESS = Pattern.compile(
            "\\s+|<\\?[^>]*\\?>|<!--.*?-->|</?(?:[A-Za-z_][\\w.-]*:)?Events(?:\\s[^>]*)?>", Pattern.DOTALL);

    /** What the reader found. */
    public interface Handler {
        void event(XElement event, int line);

        void problem(int line, String message);
    }

    private EventXmlReader() {
    }

    /** A secure DocumentBuilder: secure processing, no DOCTYPE, no external entities, no XInclude. */
    public static DocumentBuilder secureBuilder() {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            f.setFeature("http://xml.org/sax/features/external-general-entities", false);
            f.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
            f.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
            f.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
            f.setXIncludeAware(false);
            f.setExpandEntityReferences(false);
            f.setNamespaceAware(false);
            DocumentBuilder b = f.newDocumentBuilder();
            b.setErrorHandler(new ErrorHandler() {
                @Override
                public void warning(SAXParseException e) {
                    // warnings do not make the event unreadable
                }

                @Override
                public void error(SAXParseException e) throws SAXException {
                    throw e;
                }

                @Override
                public void fatalError(SAXParseException e) throws SAXException {
                    throw e;
                }
            });
            return b;
        } catch (ParserConfigurationException | IllegalArgumentException e) {
            throw new IllegalStateException("the JDK's XML parser cannot be configured securely", e);
        }
    }

    /** Reads every {@code <Event>} of the stream; returns how many were parsed. */
    public static int read(InputStream raw, Handler handler) throws IOException {
        BufferedInputStream in = new BufferedInputStream(raw, 65536);
        Reader r = new InputStreamReader(in, charset(in));
        DocumentBuilder builder = secureBuilder();
        StringBuilder buf = new StringBuilder();
        char[] tmp = new char[65536];
        boolean eof = false;
        int line = 1;
        int parsed = 0;
        int pos = 0;
        while (true) {
            Matcher start = EVENT_START.matcher(buf);
            int s = start.find(pos) ? start.start() : -1;
            Matcher end = s < 0 ? null : EVENT_END.matcher(buf);
            int e = -1;
            if (end != null && end.find(s)) {
                e = end.end();
            }
            if (e < 0 && !eof && (s < 0 || buf.length() - s <= MAX_EVENT_CHARS)) {
                int n = r.read(tmp);
                if (n < 0) {
                    eof = true;
                } else {
                    // keep what may still be the start of a tag
                    if (s < 0 && buf.length() - pos > 64) {
                        int keep = buf.length() - 64;
                        line = outside(buf.substring(pos, keep), line, handler);
                        pos = keep;
                    }
                    if (pos > (1 << 20)) {
                        buf.delete(0, pos);
                        pos = 0;
                    }
                    buf.append(tmp, 0, n);
                }
                continue;
            }
            if (s < 0) {
                outside(buf.substring(pos), line, handler);
                return parsed;
            }
            line = outside(buf.substring(pos, s), line, handler);
            if (e < 0) {
                handler.problem(line, eof ? "the last <Event> element is not closed: the file is cut short"
                        : "an <Event> element longer than " + MAX_EVENT_CHARS + " characters is skipped");
                if (eof) {
                    return parsed;
                }
                // skip past the oversized start and look for the next event
                line += count(buf, s, s + 1);
                pos = s + 1;
                continue;
            }
            String xml = buf.substring(s, e);
            try {
                Element el = builder.parse(new InputSource(new StringReader(xml))).getDocumentElement();
                handler.event(convert(el), line);
                parsed++;
            } catch (SAXException ex) {
                handler.problem(line, "this <Event> element is not well-formed XML and is skipped: "
                        + ex.getMessage());
            } finally {
                builder.reset();
            }
            line += count(buf, s, e);
            pos = e;
        }
    }

    private static int outside(String text, int line, Handler handler) {
        if (!text.isBlank()) {
            String rest = HARMLESS.matcher(text).replaceAll("");
            if (text.contains("<!DOCTYPE") || text.contains("<!ENTITY")) {
                handler.problem(line, "the file declares a DTD (<!DOCTYPE>); DTDs and entities are refused and "
                        + "nothing they define is used");
            } else if (!rest.isBlank()) {
                String shown = rest.strip();
                handler.problem(line, "text outside any <Event> element is ignored: \""
                        + (shown.length() > 60 ? shown.substring(0, 60) + "…" : shown) + "\"");
            }
        }
        return line + (int) text.chars().filter(c -> c == '\n').count();
    }

    private static int count(CharSequence s, int from, int to) {
        int n = 0;
        for (int i = from; i < to; i++) {
            if (s.charAt(i) == '\n') {
                n++;
            }
        }
        return n;
    }

    private static Charset charset(BufferedInputStream in) throws IOException {
        in.mark(4);
        byte[] b = in.readNBytes(4);
        in.reset();
        if (b.length >= 2 && (b[0] & 0xff) == 0xff && (b[1] & 0xff) == 0xfe) {
            in.skip(2);
            return StandardCharsets.UTF_16LE;
        }
        if (b.length >= 2 && (b[0] & 0xff) == 0xfe && (b[1] & 0xff) == 0xff) {
            in.skip(2);
            return StandardCharsets.UTF_16BE;
        }
        if (b.length >= 3 && (b[0] & 0xff) == 0xef && (b[1] & 0xff) == 0xbb && (b[2] & 0xff) == 0xbf) {
            in.skip(3);
            return StandardCharsets.UTF_8;
        }
        if (b.length >= 4 && b[0] != 0 && b[1] == 0 && b[3] == 0) {
            return StandardCharsets.UTF_16LE;
        }
        if (b.length >= 4 && b[0] == 0 && b[1] != 0 && b[2] == 0) {
            return StandardCharsets.UTF_16BE;
        }
        return StandardCharsets.UTF_8;
    }

    /** The DOM element as the small tree the extraction reads (local names, text and CDATA as text). */
    public static XElement convert(Element el) {
        String name = el.getNodeName();
        XElement x = new XElement(name.substring(name.indexOf(':') + 1));
        NamedNodeMap attrs = el.getAttributes();
        for (int i = 0; i < attrs.getLength(); i++) {
            Node a = attrs.item(i);
            x.attributes().put(a.getNodeName(), a.getNodeValue());
        }
        StringBuilder text = null;
        for (Node c = el.getFirstChild(); c != null; c = c.getNextSibling()) {
            if (c.getNodeType() == Node.TEXT_NODE || c.getNodeType() == Node.CDATA_SECTION_NODE) {
                if (text == null) {
                    text = new StringBuilder();
                }
                text.append(c.getNodeValue());
            } else if (c.getNodeType() == Node.ELEMENT_NODE) {
                if (text != null) {
                    x.children().add(text.toString());
                    text = null;
                }
                x.children().add(convert((Element) c));
            }
        }
        if (text != null) {
            x.children().add(text.toString());
        }
        return x;
    }
}
