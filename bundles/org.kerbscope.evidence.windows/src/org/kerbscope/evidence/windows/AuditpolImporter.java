package org.kerbscope.evidence.windows;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.kerbscope.core.spi.EvidenceImporter;
import org.kerbscope.evidence.windows.internal.Collector;
import org.kerbscope.evidence.windows.internal.Text;

/**
 * {@code auditpol /get /subcategory:"Logon"} (and {@code /category:*}, and the {@code /r} CSV form): one
 * {@code audit} item per subcategory with its setting and the Security events it governs, so that missing 4624 or
 * 4625 events are explained by "No Auditing" — and fixed with the guide's {@code auditpol /set} command.
 */
public final class AuditpolImporter implements EvidenceImporter {
    static final String KIND = "auditpol";
    private static final String SETTING = "Success and Failure|No Auditing|Success|Failure";
    private static final Pattern ROW = Pattern.compile("^\\s*(.+?)\\s+(" + SETTING + ")\\s*$");
    private static final Pattern FLAT = Pattern.compile("(.+?)\\s+(" + SETTING + ")(?=\\s|$)");
    private static final List<String> CATEGORIES = List.of("System", "Logon/Logoff", "Object Access",
            "Privilege Use", "Detailed Tracking", "Policy Change", "Account Management", "DS Access", "Account Logon");
    private static final Map<String, List<Integer>> EVENTS = Map.of("logon", List.of(4624, 4625), "logoff",
            List.of(4634, 4647), "special logon", List.of(4672), "credential validation", List.of(4776),
            "kerberos authentication service", List.of(4768, 4771, 4772),
            "kerberos service ticket operations", List.of(4769, 4770, 4773), "account lockout", List.of(4625),
            "other logon/logoff events", List.of(4648));

    @Override
    public int recognise(String fileName, byte[] head) {
        try {
            String t = Text.head(head);
            if (t.contains("System audit policy") || t.contains("Category/Subcategory")
                    || t.contains("Subcategory GUID,Inclusion Setting")) {
                return 95;
            }
            String name = fileName == null ? "" : fileName.toLowerCase(Locale.ROOT);
            return name.contains("auditpol") ? 30 : 0;
        } catch (RuntimeException e) {
            return 0;
        }
    }

    @Override
    public void read(Path file, Sink sink) throws IOException {
        Collector c = new Collector(sink, file, KIND);
        Text.Content content = Text.read(file);
        List<String> lines = Text.lines(content.text());
        String category = null;
        boolean csv = false;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            String t = line.strip();
            int no = i + 1;
            if (t.isEmpty() || Text.isPrompt(line) || t.toLowerCase(Locale.ROOT).startsWith("auditpol ")) {
                continue;
            }
            if (t.startsWith("Machine Name,Policy Target,Subcategory")) {
                csv = true;
                continue;
            }
            if (csv) {
                String[] f = t.split(",", -1);
                if (f.length >= 5) {
                    item(c, null, f[2], f[4], no);
                } else {
                    c.diagnostic(no, "cannot read the CSV row \"" + shorten(t) + "\"");
                }
                continue;
            }
            if (t.startsWith("Error 0x") || t.contains("Access is denied")) {
                c.diagnostic(no, "auditpol failed: \"" + shorten(t) + "\" (it needs an elevated prompt)");
                continue;
            }
            // the header, perhaps with the whole table run together on its line
            String rest = t;
            if (rest.startsWith("System audit policy")) {
                rest = rest.substring("System audit policy".length()).strip();
            }
            if (rest.startsWith("Category/Subcategory")) {
                rest = rest.substring("Category/Subcategory".length()).strip();
                if (rest.startsWith("Setting")) {
                    rest = rest.substring("Setting".length()).strip();
                }
            }
            if (rest.isEmpty()) {
                continue;
            }
            if (CATEGORIES.contains(rest)) {
                category = rest;
                continue;
            }
            Matcher row = ROW.matcher(rest);
            if (row.matches() && !rest.contains("  ") && Text.flat(rest).equals(rest)
                    && FLAT.matcher(rest).results().count() > 1) {
                // several subcategories run together on one line
                Matcher f = FLAT.matcher(rest);
                while (f.find()) {
                    String sub = f.group(1).strip();
                    for (String cat : CATEGORIES) {
                        if (sub.startsWith(cat + " ")) {
                            category = cat;
                            sub = sub.substring(cat.length()).strip();
                        }
                    }
                    item(c, category, sub, f.group(2), no);
                }
                continue;
            }
            if (row.matches()) {
                String sub = row.group(1).strip();
                for (String cat : CATEGORIES) {
                    if (sub.startsWith(cat + " ")) {
                        category = cat;
                        sub = sub.substring(cat.length()).strip();
                    }
                }
                item(c, category, sub, row.group(2), no);
                continue;
            }
            c.diagnostic(no, "cannot read \"" + shorten(t) + "\" as auditpol output");
        }
        if (content.truncated()) {
            c.diagnostic(0, "only the first " + (Text.MAX_BYTES >> 20) + " MiB of the file were read");
        }
        c.finish("text", c.items());
    }

    private static void item(Collector c, String category, String sub, String setting, int line) {
        Map<String, Object> f = c.fields();
        f.put("subcategory", sub);
        if (category != null) {
            f.put("category", category);
        }
        f.put("setting", setting);
        boolean success = setting.startsWith("Success");
        boolean failure = setting.endsWith("Failure");
        f.put("success", success);
        f.put("failure", failure);
        f.put("line", line);
        List<Integer> events = EVENTS.get(sub.toLowerCase(Locale.ROOT));
        if (events != null) {
            f.put("events", events);
            String ids = String.join("/", events.stream().map(String::valueOf).toList());
            String summary;
            if (success && failure) {
                summary = "Success and failure of \"" + sub + "\" are audited: events " + ids + " are logged";
            } else if (!success && !failure) {
                summary = "\"" + sub + "\" is not audited: events " + ids + " will not be logged; enable it with "
                        + "auditpol /set /subcategory:\"" + sub + "\" /Success:enable /Failure:enable";
            } else {
                summary = "Only " + (success ? "successes" : "failures") + " of \"" + sub + "\" are audited; enable "
                        + "both with auditpol /set /subcategory:\"" + sub + "\" /Success:enable /Failure:enable";
            }
            f.put("summary", summary);
        }
        c.item("audit", f);
    }

    private static String shorten(String s) {
        return s.length() > 80 ? s.substring(0, 80) + "…" : s;
    }
}
