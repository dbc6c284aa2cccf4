package org.kerbscope.core.registry;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.Manifest;
import java.util.stream.Stream;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;

import org.w3c.dom.Document;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * Contributions read from the plugin.xml files of bundle folders, for running the engine outside OSGi (plain
 * JUnit, the quick test loop). Classes are loaded from the caller's class path.
 */
public final class PluginXmlContributionSource implements ContributionSource {
    private final List<org.w3c.dom.Element> extensions = new ArrayList<>();
    private final List<String> contributors = new ArrayList<>();

    /** Reads {@code <dir>/plugin.xml} of every bundle folder under {@code bundlesDir}. */
    public PluginXmlContributionSource(Path bundlesDir) throws IOException {
        try (Stream<Path> dirs = Files.list(bundlesDir)) {
            for (Path dir : dirs.sorted().toList()) {
                Path xml = dir.resolve("plugin.xml");
                if (Files.isRegularFile(xml) && !dir.getFileName().toString().endsWith(".tests")) {
                    read(xml, symbolicName(dir));
                }
            }
        }
    }

    private static String symbolicName(Path dir) {
        Path mf = dir.resolve("META-INF/MANIFEST.MF");
        if (Files.isRegularFile(mf)) {
            try (InputStream in = Files.newInputStream(mf)) {
                String bsn = new Manifest(in).getMainAttributes().getValue("Bundle-SymbolicName");
                if (bsn != null) {
                    return bsn.split(";")[0].trim();
                }
            } catch (IOException e) {
                // fall back to the folder name, which the project's layout makes equal
            }
        }
        return dir.getFileName().toString();
    }

    private void read(Path xml, String contributor) throws IOException {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            Document doc = f.newDocumentBuilder().parse(xml.toFile());
            NodeList ext = doc.getDocumentElement().getElementsByTagName("extension");
            for (int i = 0; i < ext.getLength(); i++) {
                extensions.add((org.w3c.dom.Element) ext.item(i));
                contributors.add(contributor);
            }
        } catch (Exception e) {
            throw new IOException("cannot read " + xml + ": " + e.getMessage(), e);
        }
    }

    @Override
    public List<ContributionElement> elements(String pointId) {
        List<ContributionElement> out = new ArrayList<>();
        for (int i = 0; i < extensions.size(); i++) {
            org.w3c.dom.Element x = extensions.get(i);
            if (pointId.equals(x.getAttribute("point"))) {
                for (org.w3c.dom.Element child : childElements(x, null)) {
                    out.add(new Element(child, contributors.get(i)));
                }
            }
        }
        return out;
    }

    @Override
    public void onChange(String pointId, Runnable listener) {
        // plugin.xml files do not change while the process runs
    }

    static List<org.w3c.dom.Element> childElements(org.w3c.dom.Element parent, String name) {
        List<org.w3c.dom.Element> out = new ArrayList<>();
        NodeList nodes = parent.getChildNodes();
        for (int i = 0; i < nodes.getLength(); i++) {
            Node n = nodes.item(i);
            if (n instanceof org.w3c.dom.Element el && (name == null || name.equals(el.getTagName()))) {
                out.add(el);
            }
        }
        return out;
    }

    private record Element(org.w3c.dom.Element el, String contributor) implements ContributionElement {
        @Override
        public String name() {
            return el.getTagName();
        }

        @Override
        public String attribute(String attribute) {
            return el.hasAttribute(attribute) ? el.getAttribute(attribute) : null;
        }

        @Override
        public List<ContributionElement> children(String childName) {
            List<ContributionElement> out = new ArrayList<>();
            for (org.w3c.dom.Element c : childElements(el, childName)) {
                out.add(new Element(c, contributor));
            }
            return out;
        }

        @Override
        public Object createExecutable(String attribute) throws Exception {
            String cls = attribute(attribute);
            if (cls == null) {
                throw new ClassNotFoundException("no '" + attribute + "' attribute");
            }
            ClassLoader cl = Thread.currentThread().getContextClassLoader();
            return Class.forName(cls, true, cl != null ? cl : getClass().getClassLoader())
                    .getDeclaredConstructor().newInstance();
        }
    }
}
