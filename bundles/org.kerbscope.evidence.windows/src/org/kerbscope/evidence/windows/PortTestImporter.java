package org.kerbscope.evidence.windows;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.kerbscope.core.spi.EvidenceImporter;
import org.kerbscope.evidence.windows.internal.Collector;
import org.kerbscope.evidence.windows.internal.PsList;
import org.kerbscope.evidence.windows.internal.Text;

/**
 * {@code Test-NetConnection [-Port n] host} output (ComputerName, RemoteAddress, RemotePort, InterfaceAlias,
 * SourceAddress, PingSucceeded, TcpTestSucceeded, and the "WARNING: TCP connect to … failed" and "Name resolution
 * of … failed" lines before it), plus netcat's {@code nc -vz} lines: one {@code portTests} item per test.
 */
public final class PortTestImporter implements EvidenceImporter {
    static final String KIND = "port-test";
    private static final Pattern WARNING = Pattern.compile("^\\s*WARNING:\\s*(.+)$");
    private static final Pattern TCP_WARNING = Pattern.compile(
            "TCP connect to \\(?([^\\s():]+|\\[[^\\]]+\\]|[0-9a-fA-F:]+)\\s*:\\s*(\\d+)\\)? failed", Pattern.CASE_INSENSITIVE);
    private static final Pattern NAME_WARNING = Pattern.compile("Name resolution of (\\S+) failed", Pattern.CASE_INSENSITIVE);
    private static final Pattern NC_OK = Pattern.compile(
            "^Connection to (\\S+)(?: \\(([^)]+)\\))? (\\d+) port \\[[^\\]]*\\] succeeded!?$");
    private static final Pattern NC_FAIL = Pattern.compile(
            "^nc: connect to (\\S+)(?: \\(([^)]+)\\))? port (\\d+) \\(\\w+\\) (?:failed|timed out): (.+)$");

    @Override
    public int recognise(String fileName, byte[] head) {
        try {
            String t = Text.head(head);
            if (t.contains("TcpTestSucceeded") || (t.contains("ComputerName") && t.contains("RemoteAddress"))
                    || t.contains("PingSucceeded") || t.contains("TCP connect to")) {
                return 90;
            }
            if (NC_OK.matcher(t.strip()).find() || t.contains("nc: connect to")) {
                return 70;
            }
            String name = fileName == null ? "" : fileName.toLowerCase(Locale.ROOT);
            return name.contains("netconnection") || name.contains("tnc") ? 30 : 0;
        } catch (RuntimeException e) {
            return 0;
        }
    }

    @Override
    public void read(Path file, Sink sink) throws IOException {
        Collector c = new Collector(sink, file, KIND);
        Text.Content content = Text.read(file);
        List<String> lines = Text.lines(content.text());
        List<String> warnings = new ArrayList<>();
        int i = 0;
        while (i < lines.size()) {
            String line = lines.get(i);
            String t = line.strip();
            if (t.isEmpty() || Text.isPrompt(line) || PsList.isErrorDecoration(line)) {
                i++;
                continue;
            }
            Matcher w = WARNING.matcher(line);
            if (w.matches()) {
                warnings.add(w.group(1).strip());
                i++;
                continue;
            }
            Matcher ok = NC_OK.matcher(t);
            Matcher fail = NC_FAIL.matcher(t);
            if (ok.matches() || fail.matches()) {
                Matcher m = ok.matches() ? ok : fail;
                Map<String, Object> f = c.fields();
                f.put("computer", m.group(1));
                f.put("address", m.group(2) != null ? m.group(2) : m.group(1));
                f.put("port", Integer.parseInt(m.group(3)));
                f.put("succeeded", ok.matches());
                if (fail.matches()) {
                    f.put("error", fail.group(4));
                }
                f.put("tool", "nc");
                c.item("portTests", f);
                i++;
                continue;
            }
            if (PsList.isProperty(line)) {
                int end = i;
                while (end < lines.size() && !WARNING.matcher(lines.get(end)).matches()
                        && !Text.isPrompt(lines.get(end))) {
                    end++;
                }
                for (List<PsList.Entry> o : PsList.objects(lines, i, end,
                        k -> c.diagnostic(k + 1, "cannot read \"" + shorten(lines.get(k).strip()) + "\""))) {
                    object(o, warnings, c);
                    warnings.clear();
                }
                i = end;
                continue;
            }
            c.diagnostic(i + 1, "cannot read \"" + shorten(t) + "\" as Test-NetConnection output");
            i++;
        }
        if (!warnings.isEmpty()) {
            // a warning with no result object after it (the output was cut): it still says what failed
            for (String warning : warnings) {
                Matcher tw = TCP_WARNING.matcher(warning);
                Matcher nw = NAME_WARNING.matcher(warning);
                if (tw.find()) {
                    Map<String, Object> f = c.fields();
                    f.put("computer", tw.group(1));
                    f.put("address", tw.group(1));
                    f.put("port", Integer.parseInt(tw.group(2)));
                    f.put("succeeded", false);
                    f.put("warnings", List.of(warning));
                    c.item("portTests", f);
                } else if (nw.find()) {
                    Map<String, Object> f = c.fields();
                    f.put("computer", nw.group(1));
                    f.put("address", null);
                    f.put("port", null);
                    f.put("succeeded", false);
                    f.put("error", "the name could not be resolved");
                    f.put("warnings", List.of(warning));
                    c.item("portTests", f);
                }
            }
        }
        if (content.truncated()) {
            c.diagnostic(0, "only the first " + (Text.MAX_BYTES >> 20) + " MiB of the file were read");
        }
        c.finish("text", c.items());
    }

    private static void object(List<PsList.Entry> o, List<String> warnings, Collector c) {
        String computer = PsList.get(o, "ComputerName");
        String address = PsList.get(o, "RemoteAddress");
        String port = PsList.get(o, "RemotePort");
        String tcp = PsList.get(o, "TcpTestSucceeded");
        String ping = PsList.get(o, "PingSucceeded");
        if (computer == null && address == null) {
            c.diagnostic(o.get(0).line(), "a Test-NetConnection result without ComputerName or RemoteAddress");
            return;
        }
        Map<String, Object> f = c.fields();
        f.put("computer", computer);
        f.put("address", address == null || address.isBlank() ? null : address);
        Integer p = null;
        if (port != null && port.matches("\\d{1,5}")) {
            p = Integer.parseInt(port);
        } else if (port != null && !port.isBlank()) {
            c.diagnostic(o.get(0).line(), "RemotePort \"" + shorten(port) + "\" is not a port number");
        }
        f.put("port", p);
        f.put("succeeded", tcp == null ? null : Boolean.valueOf(tcp.equalsIgnoreCase("True")));
        if (ping != null) {
            f.put("pingSucceeded", ping.equalsIgnoreCase("True"));
        }
        String alias = PsList.get(o, "InterfaceAlias");
        if (alias != null && !alias.isBlank()) {
            f.put("interfaceAlias", alias);
        }
        String source = PsList.get(o, "SourceAddress");
        if (source != null && !source.isBlank()) {
            f.put("sourceAddress", source);
        }
        if (!warnings.isEmpty()) {
            f.put("warnings", List.copyOf(warnings));
            for (String w : warnings) {
                if (NAME_WARNING.matcher(w).find()) {
                    f.put("error", "the name could not be resolved");
                }
            }
        }
        c.item("portTests", f);
    }

    private static String shorten(String s) {
        return s.length() > 80 ? s.substring(0, 80) + "…" : s;
    }
}
