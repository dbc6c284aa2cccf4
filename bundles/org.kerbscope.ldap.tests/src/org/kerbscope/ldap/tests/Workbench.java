package org.kerbscope.ldap.tests;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.kerbscope.core.model.Analysis;
import org.kerbscope.core.model.AuthAttempt;
import org.kerbscope.core.model.Event;
import org.kerbscope.core.model.Finding;
import org.kerbscope.core.registry.PluginXmlContributionSource;
import org.kerbscope.core.registry.Registries;
import org.kerbscope.core.spi.AnalysisOptions;
import org.kerbscope.engine.Analyzer;
import org.kerbscope.engine.Progress;

/**
 * Runs the real analysis outside OSGi, with every contribution read from the repository's plugin.xml files — the
 * LDAP plug-in is found the way the product finds it, not wired by hand.
 */
final class Workbench {
    private static Analyzer analyzer;

    private Workbench() {
    }

    /** The repository root: the first folder up from the working directory that holds releng/kerbscope.target. */
    static Path repo() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.isRegularFile(p.resolve("releng/kerbscope.target"))) {
            p = p.getParent();
        }
        if (p == null) {
            throw new IllegalStateException("not inside the Kerbscope repository: " + Path.of("").toAbsolutePath());
        }
        return p;
    }

    static synchronized Analysis analyze(Path capture) throws IOException {
        if (analyzer == null) {
            // the quick loop runs outside OSGi and reads the plugin.xml files; under tycho-surefire the extension
            // registry of the test runtime holds the same contributions
            Registries r = Boolean.getBoolean("kerbscope.quicktest")
                    ? Registries.of(new PluginXmlContributionSource(repo().resolve("bundles")))
                    : Registries.platform();
            analyzer = new Analyzer(r, AnalysisOptions.defaults());
        }
        return analyzer.analyze(capture, capture.toString(), List.of(), Progress.NONE);
    }

    static List<Event> events(Analysis a, String protocol, String field, Object value) {
        List<Event> out = new ArrayList<>();
        for (Event e : a.events(protocol)) {
            if (value.equals(e.fields().get(field))) {
                out.add(e);
            }
        }
        return out;
    }

    static List<AuthAttempt> ldapAttempts(Analysis a) {
        return a.attempts().stream().filter(at -> "ldap".equals(at.service())).toList();
    }

    static List<Finding> findings(Analysis a, String id) {
        return a.findings().stream().filter(f -> f.id().equals(id)).toList();
    }
}
