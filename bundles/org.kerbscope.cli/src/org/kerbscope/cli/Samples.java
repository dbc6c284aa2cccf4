package org.kerbscope.cli;

import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.eclipse.core.runtime.FileLocator;
import org.eclipse.core.runtime.Platform;
import org.kerbscope.core.internal.Osgi;
import org.osgi.framework.Bundle;

/** The lab's scenario captures shipped with the product ({@code samples/} of the lab bundle). */
public final class Samples {
    private Samples() {
    }

    /** The folder holding the samples, or null when the lab is not installed. */
    public static Path folder() {
        if (Osgi.running()) {
            Bundle lab = Platform.getBundle("org.kerbscope.lab");
            if (lab != null) {
                URL u = lab.getEntry("samples/");
                if (u != null) {
                    try {
                        return Path.of(FileLocator.toFileURL(u).toURI());
                    } catch (IOException | java.net.URISyntaxException | IllegalArgumentException e) {
                        return null;
                    }
                }
            }
            return null;
        }
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path s = p.resolve("bundles/org.kerbscope.lab/samples");
            if (Files.isDirectory(s)) {
                return s;
            }
        }
        return null;
    }

    public static List<String> names() {
        List<String> out = new ArrayList<>();
        Path dir = folder();
        if (dir != null) {
            try (Stream<Path> s = Files.list(dir)) {
                s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".pcapng")).sorted()
                        .forEach(n -> out.add(n.substring(0, n.length() - ".pcapng".length())));
            } catch (IOException e) {
                // an unreadable folder lists no sample
            }
        }
        return out;
    }

    public static Path find(String name) {
        Path dir = folder();
        if (dir == null) {
            return null;
        }
        Path p = dir.resolve(name.endsWith(".pcapng") ? name : name + ".pcapng");
        return Files.isRegularFile(p) ? p : null;
    }
}
