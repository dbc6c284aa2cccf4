package org.kerbscope.evidence.windows.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * PowerShell's list view ({@code Format-List}, and what cmdlets such as Test-NetConnection and Invoke-WebRequest
 * print): {@code Label : value} with the labels padded to one column, values that continue on following lines,
 * objects separated by blank lines. A copy whose lines were run together ({@code ComputerName : a RemotePort : 80})
 * is split at each {@code Label :}, so values that hold spaces ({@code InterfaceAlias : Ethernet 2}) survive.
 */
public final class PsList {
    /** PowerShell property names, optionally with a parenthesised unit (PingReplyDetails (RTT)), then " :". */
    private static final Pattern LABEL = Pattern.compile("(?:^|(?<=\\s))([A-Za-z][A-Za-z0-9]*(?: \\(\\w+\\))?)\\s+:(?=\\s|$)");

    /** One property: the line it starts on, its label, and its value (continuation lines joined by LF). */
    public record Entry(int line, String label, String value) {
    }

    private PsList() {
    }

    /** Whether the line starts with a {@code Label :} property. */
    public static boolean isProperty(String line) {
        Matcher m = LABEL.matcher(line);
        return m.find() && line.substring(0, m.start()).isBlank();
    }

    /**
     * The objects of the lines [from, to): each a list of entries. A line that neither starts a property nor
     * continues one is left to the caller through {@code stray}.
     */
    public static List<List<Entry>> objects(List<String> lines, int from, int to, java.util.function.IntConsumer stray) {
        List<List<Entry>> out = new ArrayList<>();
        List<Entry> cur = null;
        for (int i = from; i < to; i++) {
            String line = lines.get(i);
            if (line.isBlank()) {
                if (cur != null && !cur.isEmpty()) {
                    out.add(cur);
                }
                cur = null;
                continue;
            }
            Matcher m = LABEL.matcher(line);
            List<int[]> at = new ArrayList<>();
            while (m.find()) {
                at.add(new int[] {m.start(1), m.end(1), m.end()});
            }
            if (at.isEmpty() || !line.substring(0, at.get(0)[0]).isBlank()) {
                if (cur != null && !cur.isEmpty()) {
                    Entry last = cur.remove(cur.size() - 1);
                    String prefix = at.isEmpty() ? line : line.substring(0, at.get(0)[0]);
                    cur.add(new Entry(last.line(), last.label(), last.value().isEmpty() ? prefix.strip()
                            : last.value() + "\n" + prefix.strip()));
                    if (at.isEmpty()) {
                        continue;
                    }
                } else {
                    stray.accept(i);
                    continue;
                }
            }
            if (cur == null) {
                cur = new ArrayList<>();
            }
            for (int k = 0; k < at.size(); k++) {
                int[] a = at.get(k);
                String label = line.substring(a[0], a[1]);
                String value = line.substring(a[2], k + 1 < at.size() ? at.get(k + 1)[0] : line.length()).strip();
                for (Entry e : cur) {
                    if (e.label().equals(label)) {
                        out.add(cur);
                        cur = new ArrayList<>();
                        break;
                    }
                }
                cur.add(new Entry(i + 1, label, value));
            }
        }
        if (cur != null && !cur.isEmpty()) {
            out.add(cur);
        }
        return out;
    }

    /** The value of the label in the object, or null. */
    public static String get(List<Entry> object, String label) {
        for (Entry e : object) {
            if (e.label().equalsIgnoreCase(label)) {
                return e.value();
            }
        }
        return null;
    }

    /** Whether the line is PowerShell's decoration of an error record (position, category, error id). */
    public static boolean isErrorDecoration(String line) {
        String t = line.strip();
        return t.startsWith("At line:") || t.startsWith("At ") && t.contains("char:") || t.startsWith("+ ")
                || t.startsWith("+~") || t.matches("\\+?\\s*~+") || t.startsWith("CategoryInfo")
                || t.startsWith("FullyQualifiedErrorId");
    }
}
