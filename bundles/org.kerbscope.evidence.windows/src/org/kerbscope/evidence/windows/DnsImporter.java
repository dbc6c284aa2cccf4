package org.kerbscope.evidence.windows;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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
 * Name resolution as the client saw it: {@code Resolve-DnsName} (its table, and the list form it switches to for
 * records of another type or under {@code Format-List}), its "DNS name does not exist" error, and {@code nslookup}
 * (Windows and BIND forms, with aliases and "can't find … Non-existent domain"). Each name and record type becomes
 * one {@code dns} item with its answers in order (addresses, CNAME/PTR targets, SRV targets).
 */
public final class DnsImporter implements EvidenceImporter {
    static final String KIND = "dns";
    private static final Pattern RESOLVE_ERROR = Pattern.compile(
            "^\\s*Resolve-DnsName\\s*:\\s*(\\S+)\\s*:\\s*(.+?)\\s*$", Pattern.CASE_INSENSITIVE);
    private static final Pattern NS_CANT_FIND = Pattern.compile("^\\*{2,3}\\s*(\\S+)?\\s*can't find (\\S+?):\\s*(.+)$");
    private static final Pattern NS_LABEL = Pattern.compile("^(Server|Address|Addresses|Name|Aliases):\\s*(.*)$");
    private static final Pattern CANONICAL = Pattern.compile("^(\\S+)\\s+canonical name = (\\S+?)\\.?$");
    private static final Pattern ADDRESS = Pattern.compile("^[0-9a-fA-F:.%]+(?:#\\d+)?$");

    @Override
    public int recognise(String fileName, byte[] head) {
        try {
            String t = Text.head(head);
            String flat = Text.flat(t);
            if (flat.matches("(?s).*\\bName Type TTL Section\\b.*") || t.contains("QueryType")
                    || t.contains("Resolve-DnsName")) {
                return 90;
            }
            if ((t.contains("Non-authoritative answer") || t.contains("can't find"))
                    || (t.matches("(?s).*Server:\\s+\\S+.*") && t.matches("(?s).*Address(es)?:\\s+\\S+.*")
                            && !t.contains("Current LogonId"))) {
                return 80;
            }
            String name = fileName == null ? "" : fileName.toLowerCase(Locale.ROOT);
            return name.contains("dns") || name.contains("nslookup") ? 30 : 0;
        } catch (RuntimeException e) {
            return 0;
        }
    }

    @Override
    public void read(Path file, Sink sink) throws IOException {
        Collector c = new Collector(sink, file, KIND);
        Text.Content content = Text.read(file);
        List<String> lines = Text.lines(content.text());
        Answers answers = new Answers(c);
        boolean nslookup = false;
        String server = null;
        boolean sawServer = false;
        String lastNsLabel = null;
        String nsName = null;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            int no = i + 1;
            String t = line.strip();
            if (t.isEmpty() || Text.isPrompt(line) || PsList.isErrorDecoration(line)) {
                lastNsLabel = t.isEmpty() ? null : lastNsLabel;
                continue;
            }
            Matcher err = RESOLVE_ERROR.matcher(line);
            if (err.matches()) {
                answers.error(err.group(1), err.group(2), null);
                continue;
            }
            // Resolve-DnsName's table: a header, a line of dashes, rows (also run together on one line)
            String[] words = t.split("\\s+");
            if (words.length >= 4 && words[0].equals("Name") && words[1].equals("Type")) {
                i = table(lines, i, answers, c) - 1;
                continue;
            }
            if (PsList.isProperty(line) && !NS_LABEL.matcher(t).matches()) {
                int end = i;
                while (end < lines.size() && !RESOLVE_ERROR.matcher(lines.get(end)).matches()
                        && !isTableHeader(lines.get(end)) && !Text.isPrompt(lines.get(end))) {
                    end++;
                }
                for (List<PsList.Entry> o : PsList.objects(lines, i, end,
                        k -> c.diagnostic(k + 1, "cannot read \"" + shorten(lines.get(k).strip()) + "\""))) {
                    listObject(o, answers, c);
                }
                i = end - 1;
                continue;
            }
            // nslookup
            Matcher ns = NS_LABEL.matcher(t);
            Matcher cant = NS_CANT_FIND.matcher(t);
            Matcher canon = CANONICAL.matcher(t);
            if (ns.matches()) {
                nslookup = true;
                String label = ns.group(1);
                String value = ns.group(2).trim();
                switch (label) {
                    case "Server" -> {
                        server = value;
                        sawServer = true;
                        nsName = null;
                    }
                    case "Name" -> {
                        nsName = value;
                        sawServer = false;
                    }
                    case "Address", "Addresses" -> {
                        if (sawServer && nsName == null) {
                            String a = value.replaceAll("#\\d+$", "");
                            server = server == null || server.equalsIgnoreCase("UnKnown") ? a : server + " (" + a + ")";
                            sawServer = false;
                        } else if (nsName != null) {
                            answers.address(nsName, value, server, no);
                        } else {
                            c.diagnostic(no, "an address without the name it belongs to");
                        }
                    }
                    case "Aliases" -> {
                        if (nsName != null && !value.isEmpty()) {
                            answers.add(value, "CNAME", nsName, null, server);
                        }
                    }
                    default -> {
                        // every label of the pattern is handled above
                    }
                }
                lastNsLabel = label;
                continue;
            }
            if (lastNsLabel != null && Character.isWhitespace(line.charAt(0)) && !t.contains(" ")) {
                // continuation lines of "Addresses:" and "Aliases:"
                if (lastNsLabel.startsWith("Address") && nsName != null) {
                    answers.address(nsName, t, server, no);
                } else if (lastNsLabel.equals("Aliases") && nsName != null) {
                    answers.add(t, "CNAME", nsName, null, server);
                }
                continue;
            }
            if (cant.matches()) {
                String why = cant.group(3).trim();
                answers.error(cant.group(2), why, server);
                continue;
            }
            if (canon.matches()) {
                answers.add(canon.group(1).replaceAll("\\.$", ""), "CNAME", canon.group(2), null, server);
                continue;
            }
            if (t.equals("Non-authoritative answer:") || t.startsWith("Authoritative answers can be found")) {
                continue;
            }
            if (t.startsWith("DNS request timed out") || t.startsWith("timeout was")
                    || t.startsWith("*** Request to")) {
                if (t.startsWith("*** Request to")) {
                    answers.error(null, "the DNS server did not answer (" + t.substring(4) + ")", server);
                }
                continue;
            }
            c.diagnostic(no, "cannot read \"" + shorten(t) + "\" as Resolve-DnsName or nslookup output");
        }
        answers.flush();
        if (content.truncated()) {
            c.diagnostic(0, "only the first " + (Text.MAX_BYTES >> 20) + " MiB of the file were read");
        }
        c.finish("text", c.items());
    }

    private static boolean isTableHeader(String line) {
        String[] w = line.strip().split("\\s+");
        return w.length >= 4 && w[0].equals("Name") && w[1].equals("Type");
    }

    /** Reads a table starting at the header line; returns the index of the first line after it. */
    private static int table(List<String> lines, int start, Answers answers, Collector c) {
        String first = lines.get(start).strip();
        String[] tokens = first.split("\\s+");
        // header words are followed by as many runs of dashes
        int n = 0;
        while (n < tokens.length && !tokens[n].matches("-+")) {
            n++;
        }
        List<String> header = List.of(tokens).subList(0, n);
        int i = start + 1;
        List<String[]> rows = new ArrayList<>();
        List<Integer> rowLines = new ArrayList<>();
        if (n < tokens.length) {
            // run together: header, dashes and rows on one line
            int pos = 2 * n;
            List<String> rest = List.of(tokens).subList(Math.min(pos, tokens.length), tokens.length);
            for (int k = 0; k + Math.min(5, header.size()) <= rest.size(); k += header.size()) {
                rows.add(rest.subList(k, Math.min(k + header.size(), rest.size())).toArray(String[]::new));
                rowLines.add(start + 1);
            }
        } else {
            if (i < lines.size() && lines.get(i).strip().matches("[-\\s]+")) {
                i++;
            }
            for (; i < lines.size(); i++) {
                String l = lines.get(i);
                if (l.isBlank() || isTableHeader(l) || PsList.isProperty(l) || RESOLVE_ERROR.matcher(l).matches()) {
                    break;
                }
                rows.add(l.strip().split("\\s+"));
                rowLines.add(i + 1);
            }
        }
        for (int r = 0; r < rows.size(); r++) {
            String[] row = rows.get(r);
            if (row.length < 5 || row.length > header.size()) {
                c.diagnostic(rowLines.get(r), "a Resolve-DnsName row with " + row.length + " columns under a header of "
                        + header.size() + ": \"" + shorten(String.join(" ", row)) + "\"");
                continue;
            }
            Map<String, String> cols = new LinkedHashMap<>();
            for (int k = 0; k < row.length; k++) {
                cols.put(header.get(k), row[k]);
            }
            record(cols, answers);
        }
        return i;
    }

    private static void listObject(List<PsList.Entry> o, Answers answers, Collector c) {
        Map<String, String> cols = new LinkedHashMap<>();
        for (PsList.Entry e : o) {
            cols.put(e.label(), e.value());
        }
        if (!cols.containsKey("Name")) {
            c.diagnostic(o.get(0).line(), "a Resolve-DnsName record without a Name");
            return;
        }
        if (!cols.containsKey("Type") && cols.containsKey("QueryType")) {
            cols.put("Type", cols.get("QueryType"));
        }
        record(cols, answers);
    }

    /** One resource record, from either form: Name, Type, TTL, Section and its data columns. */
    private static void record(Map<String, String> cols, Answers answers) {
        String type = cols.getOrDefault("Type", "").toUpperCase(Locale.ROOT);
        String data = null;
        for (String k : new String[] {"IPAddress", "IP4Address", "IP6Address", "NameHost", "NameTarget",
            "PrimaryServer", "Strings", "NameExchange"}) {
            if (cols.get(k) != null) {
                data = cols.get(k);
                break;
            }
        }
        if (data == null) {
            return;
        }
        String section = cols.get("Section");
        Map<String, Object> extra = new LinkedHashMap<>();
        if (cols.get("TTL") != null && cols.get("TTL").matches("\\d+")) {
            extra.put("ttl", Long.parseLong(cols.get("TTL")));
        }
        if (section != null) {
            extra.put("section", section);
        }
        if (type.equals("SRV") && cols.get("Port") != null) {
            extra.put("port", cols.get("Port"));
        }
        answers.add(cols.get("Name"), type.isEmpty() ? null : type, data, extra, null);
    }

    /** Records grouped by (name, type, section) in the order first seen. */
    private static final class Answers {
        private final Collector c;
        private final Map<String, Map<String, Object>> items = new LinkedHashMap<>();

        Answers(Collector c) {
            this.c = c;
        }

        void address(String name, String value, String server, int no) {
            for (String a : value.split("[,\\s]+")) {
                if (a.isEmpty()) {
                    continue;
                }
                if (!ADDRESS.matcher(a).matches()) {
                    c.diagnostic(no, "\"" + shorten(a) + "\" is not an address");
                    continue;
                }
                add(name, a.contains(":") ? "AAAA" : "A", a, null, server);
            }
        }

        @SuppressWarnings("unchecked")
        void add(String name, String type, String answer, Map<String, Object> extra, String server) {
            String section = extra == null ? null : (String) extra.get("section");
            String key = name.toLowerCase(Locale.ROOT) + "|" + type + "|" + section;
            Map<String, Object> item = items.computeIfAbsent(key, k -> {
                Map<String, Object> m = c.fields();
                m.put("name", name);
                m.put("type", type);
                m.put("answers", new ArrayList<String>());
                return m;
            });
            if (extra != null) {
                extra.forEach(item::putIfAbsent);
            }
            if (server != null) {
                item.putIfAbsent("server", server);
            }
            List<String> list = (List<String>) item.get("answers");
            if (!list.contains(answer)) {
                list.add(answer);
            }
        }

        void error(String name, String message, String server) {
            Map<String, Object> m = c.fields();
            m.put("name", name);
            m.put("type", null);
            m.put("answers", List.of());
            String lower = message.toLowerCase(Locale.ROOT);
            m.put("error", message);
            if (lower.contains("does not exist") || lower.contains("non-existent") || lower.contains("nxdomain")) {
                m.put("rcode", "NXDOMAIN");
            } else if (lower.contains("no records") || lower.contains("no answer")) {
                m.put("rcode", "NOERROR");
            } else if (lower.contains("server failure") || lower.contains("servfail")) {
                m.put("rcode", "SERVFAIL");
            } else if (lower.contains("refused")) {
                m.put("rcode", "REFUSED");
            } else if (lower.contains("timeout") || lower.contains("timed out") || lower.contains("did not answer")) {
                m.put("rcode", "TIMEOUT");
            }
            if (server != null) {
                m.put("server", server);
            }
            items.put("error|" + items.size(), m);
        }

        void flush() {
            items.values().forEach(m -> c.item("dns", m));
            items.clear();
        }
    }

    private static String shorten(String s) {
        return s.length() > 80 ? s.substring(0, 80) + "…" : s;
    }
}
