package org.kerbscope.cifs.tests;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.kerbscope.core.model.Analysis;
import org.kerbscope.core.model.AuthAttempt;
import org.kerbscope.core.model.Event;
import org.kerbscope.core.model.Finding;
import org.kerbscope.core.registry.Registries;
import org.kerbscope.core.spi.AnalysisOptions;
import org.kerbscope.engine.Analyzer;
import org.kerbscope.engine.Progress;

/**
 * Runs the real analysis on a capture: every dissector, service profile and check comes from the contributions
 * (the plugin.xml files outside OSGi, the extension registry inside), as the product finds them.
 */
final class Stories {
    static final String CLIENT = "192.168.2.101";
    static final String DC = "192.168.2.10";
    static final String FILES = "192.168.2.104";

    private Stories() {
    }

    static Analysis analyze(Capture c, Path dir, String name) throws IOException {
        Path f = dir.resolve(name + ".pcapng");
        c.write(f);
        return new Analyzer(Registries.platform(), AnalysisOptions.defaults()).analyze(f, f.toString(), List.of(),
                Progress.NONE);
    }

    /** Each recorded KDC exchange on its own TCP connection to port 88; returns the reply frames. */
    static int[] kdc(Capture c, List<Kdc.Exchange> exchanges, int firstPort) {
        int[] replies = new int[exchanges.size()];
        for (int i = 0; i < exchanges.size(); i++) {
            Capture.Tcp t = c.tcp(CLIENT, firstPort + i, DC, 88).handshake();
            t.c2s(exchanges.get(i).request());
            replies[i] = t.s2c(exchanges.get(i).reply());
            t.close();
        }
        return replies;
    }

    static List<AuthAttempt> cifs(Analysis a) {
        return a.attempts().stream().filter(at -> "cifs".equals(at.service())).toList();
    }

    static List<Finding> findings(Analysis a, String id) {
        return a.findings().stream().filter(f -> f.id().equals(id)).toList();
    }

    static List<Event> events(Analysis a, String protocol, String field, Object value) {
        return a.events(protocol).stream().filter(e -> value.equals(e.fields().get(field))).toList();
    }

    static Path tmp() throws IOException {
        return Files.createTempDirectory("kerbscope-cifs-story");
    }
}
