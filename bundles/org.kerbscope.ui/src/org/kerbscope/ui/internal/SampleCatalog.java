package org.kerbscope.ui.internal;

import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.eclipse.core.runtime.FileLocator;
import org.eclipse.core.runtime.Platform;
import org.osgi.framework.Bundle;

/** The lab bundle's sample captures and the one-line story of each (from its samples/README.md). */
final class SampleCatalog {
    private SampleCatalog() {
    }

    static Path folder() {
        Bundle lab = Platform.getBundle("org.kerbscope.lab");
        if (lab == null) {
            return null;
        }
        URL u = lab.getEntry("samples/");
        try {
            return u == null ? null : Path.of(FileLocator.toFileURL(u).toURI());
        } catch (IOException | java.net.URISyntaxException | IllegalArgumentException e) {
            return null;
        }
    }

    static List<String> names() {
        List<String> out = new ArrayList<>();
        Path dir = folder();
        if (dir != null) {
            try (Stream<Path> s = Files.list(dir)) {
                s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".pcapng")).sorted()
                        .forEach(n -> out.add(n.substring(0, n.length() - 7)));
            } catch (IOException e) {
                // no readable folder, no samples
            }
        }
        return out;
    }

    private static Map<String, String> stories;

    static synchronized String describe(String name) {
        if (stories == null) {
            stories = new HashMap<>();
            Path dir = folder();
            if (dir != null) {
                try {
                    for (String line : Files.readAllLines(dir.resolve("README.md"))) {
                        for (String n : names()) {
                            if (line.contains("`" + n + "`") || line.contains(n + ".pcapng")) {
                                stories.putIfAbsent(n, line.replaceAll("[|`*]", " ").replaceAll("\\s+", " ").trim());
                            }
                        }
                    }
                } catch (IOException e) {
                    // names alone then
                }
            }
        }
        return stories.getOrDefault(name, name);
    }

    static Path find(String name) {
        Path dir = folder();
        Path p = dir == null ? null : dir.resolve(name + ".pcapng");
        return p != null && Files.isRegularFile(p) ? p : null;
    }
}
