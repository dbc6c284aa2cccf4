package org.kerbscope.ui.internal;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.eclipse.core.runtime.preferences.InstanceScope;
import org.kerbscope.core.spi.AnalysisOptions;
import org.osgi.service.prefs.BackingStoreException;

/**
 * The user's choices, kept in the instance preferences of the UI bundle: keytab paths (only paths — the keys
 * stay in the user's files), decode-as rules, clock-skew tolerance, redaction.
 */
public final class Preferences {
    static final String NODE = "org.kerbscope.ui";
    static final String KEYTABS = "keytabs";
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
        List<Path> keytabs = new ArrayList<>();
        for (String s : n.get(KEYTABS, "").split("\n")) {
            if (!s.isBlank()) {
                keytabs.add(Path.of(s.trim()));
            }
        }
        Map<String, String> rules = new LinkedHashMap<>();
        for (String s : n.get(DECODE_AS, "").split("\n")) {
            int c = s.lastIndexOf(':');
            if (c > 0 && s.substring(0, c).contains("=")) {
                rules.put(s.substring(0, c).trim(), s.substring(c + 1).trim());
            }
        }
        AnalysisOptions d = AnalysisOptions.defaults();
        return new AnalysisOptions(keytabs, rules, n.getInt(SKEW, 300), n.getBoolean(REDACT, true), d.maxPduBytes());
    }

    static void save(String keytabs, String decodeAs, int skew, boolean redact) {
        var n = node();
        n.put(KEYTABS, keytabs);
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
