package org.kerbscope.ui.internal;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.eclipse.core.runtime.preferences.InstanceScope;
import org.kerbscope.core.registry.Registries;
import org.kerbscope.core.spi.AnalysisOptions;
import org.kerbscope.engine.DecodeAsRules;
import org.osgi.service.prefs.BackingStoreException;

/**
 * The user's choices, kept in the instance preferences of the UI bundle: keytab and TLS key log paths (only paths —
 * the keys stay in the user's files), decode-as rules, clock-skew tolerance, redaction.
 */
public final class Preferences {
    static final String NODE = "org.kerbscope.ui";
    static final String KEYTABS = "keytabs";
    static final String TLS_KEYLOGS = "tlsKeylogs";
    static final String DECODE_AS = "decodeAs";
    static final String SKEW = "skewSeconds";
    static final String REDACT = "redact";

    private Preferences() {
    }

    static org.eclipse.core.runtime.preferences.IEclipsePreferences node() {
        return InstanceScope.INSTANCE.getNode(NODE);
    }

    public static AnalysisOptions options() {
        var n = node();
        List<Path> keytabs = paths(n.get(KEYTABS, ""));
        // rules the installed dissectors cannot apply (the page says so when they are typed; a plug-in may have been
        // uninstalled since) are passed over
        Map<String, String> rules = DecodeAsRules.applicable(decodeAsLines(n.get(DECODE_AS, "")),
                Registries.platform().dissectors());
        AnalysisOptions d = AnalysisOptions.defaults();
        return new AnalysisOptions(keytabs, rules, n.getInt(SKEW, 300), n.getBoolean(REDACT, true), d.maxPduBytes())
                .withTlsKeylogs(paths(n.get(TLS_KEYLOGS, "")));
    }

    /**
     * Adds a TLS key log to the ones in force (the troubleshooting wizard's input), unless it is there already: later
     * analyses read it too, as when it is added in Preferences.
     */
    public static void addTlsKeylog(Path keylog) {
        var n = node();
        List<Path> logs = paths(n.get(TLS_KEYLOGS, ""));
        if (!logs.contains(keylog)) {
            n.put(TLS_KEYLOGS, (n.get(TLS_KEYLOGS, "").isBlank() ? "" : n.get(TLS_KEYLOGS, "").strip() + "\n") + keylog);
            try {
                n.flush();
            } catch (BackingStoreException e) {
                // kept in memory for this session; the next save tries again
            }
        }
    }

    /** One path per non-blank line. */
    static List<Path> paths(String lines) {
        List<Path> out = new ArrayList<>();
        for (String s : lines.split("\n")) {
            if (!s.isBlank()) {
                out.add(Path.of(s.trim()));
            }
        }
        return out;
    }

    /** The non-blank lines of the decode-as text, one rule each. */
    static List<String> decodeAsLines(String text) {
        return text.lines().filter(l -> !l.isBlank()).map(String::strip).toList();
    }

    static void save(String keytabs, String tlsKeylogs, String decodeAs, int skew, boolean redact) {
        var n = node();
        n.put(KEYTABS, keytabs);
        n.put(TLS_KEYLOGS, tlsKeylogs);
        n.put(DECODE_AS, decodeAs);
        n.putInt(SKEW, skew);
        n.putBoolean(REDACT, redact);
        try {
            n.flush();
        } catch (BackingStoreException e) {
            // kept in memory for this session; the next save tries again
        }
    }
}
