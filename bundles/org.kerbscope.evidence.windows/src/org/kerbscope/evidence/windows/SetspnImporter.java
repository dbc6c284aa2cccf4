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
import org.kerbscope.evidence.windows.internal.Text;

/**
 * {@code setspn} output: {@code -L} (the SPNs registered on one account), {@code -Q} (the accounts holding an
 * SPN, or "No such SPN found."), {@code -X} (duplicate SPNs: "… is registered on these accounts:" groups and
 * "found N group of duplicate SPNs"), and the refusals of {@code -S}. Each SPN becomes one {@code spns} item with
 * every account that holds it; an SPN held by several accounts is marked {@code duplicate}.
 */
public final class SetspnImporter implements EvidenceImporter {
    static final String KIND = "setspn";
    private static final Pattern REGISTERED = Pattern.compile("^Registered ServicePrincipalNames for (.+?):?\\s*$");
    private static final Pattern REGISTERING = Pattern.compile("^Registering ServicePrincipalNames for (.+?)\\s*$");
    private static final Pattern DUP_GROUP = Pattern.compile("^(\\S+) is registered on these accounts:\\s*$");
    private static final Pattern FOUND = Pattern.compile("^found (\\d+) groups? of duplicate SPNs\\.?$", Pattern.CASE_INSENSITIVE);
    private static final Pattern COMMAND = Pattern.compile("(?i)\\bsetspn(?:\\.exe)?\\s+-([a-z])\\s+(\\S+)");
    private static final Pattern SPN = Pattern.compile("^[A-Za-z][\\w.-]*/\\S+$");

    @Override
    public int recognise(String fileName, byte[] head) {
        try {
            String t = Text.head(head);
            if (t.contains("Registered ServicePrincipalNames for") || t.contains("duplicate SPNs")
                    || t.contains("is registered on these accounts") || t.contains("No such SPN found")
                    || t.contains("Existing SPN found") || t.contains("Duplicate SPN found")) {
                return 95;
            }
            if (t.contains("Checking domain DC=")) {
                return 80;
            }
            String name = fileName == null ? "" : fileName.toLowerCase(Locale.ROOT);
            return name.contains("setspn") || name.contains("spn") ? 30 : 0;
        } catch (RuntimeException e) {
            return 0;
        }
    }

    @Override
    public void read(Path file, Sink sink) throws IOException {
        Collector c = new Collector(sink, file, KIND);
        Text.Content content = Text.read(file);
        List<String> lines = Text.lines(content.text());
        Map<String, Map<String, Object>> spns = new LinkedHashMap<>();
        List<Map<String, Object>> other = new ArrayList<>();
        String account = null;
        String dupSpn = null;
        String query = null;
        String domain = null;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            String t = line.strip();
            int no = i + 1;
            Matcher cmd = COMMAND.matcher(line);
            if (cmd.find()) {
                query = cmd.group(1).equalsIgnoreCase("q") ? cmd.group(2) : null;
                account = null;
                dupSpn = null;
                continue;
            }
            if (t.isEmpty() || Text.isPrompt(line)) {
                dupSpn = t.isEmpty() ? null : dupSpn;
                continue;
            }
            boolean indented = Character.isWhitespace(line.charAt(0));
            Matcher m;
            if ((m = REGISTERED.matcher(t)).matches() || (m = REGISTERING.matcher(t)).matches()) {
                account = m.group(1);
                dupSpn = null;
            } else if ((m = DUP_GROUP.matcher(t)).matches()) {
                dupSpn = m.group(1);
                account = null;
            } else if ((m = FOUND.matcher(t)).matches()) {
                Map<String, Object> f = c.fields();
                f.put("check", "duplicates");
                f.put("duplicateGroups", Integer.parseInt(m.group(1)));
                if (domain != null) {
                    f.put("domain", domain);
                }
                other.add(f);
                dupSpn = null;
            } else if (t.startsWith("Checking domain ") || t.startsWith("Checking forest ")) {
                domain = t.substring(t.indexOf(' ', 9) + 1);
            } else if (t.startsWith("Processing entry") || t.equals("Existing SPN found!") || t.equals("Updated object")
                    || t.startsWith("Scanning ") || t.startsWith("Checking for duplicate")) {
                continue;
            } else if (t.equals("No such SPN found.")) {
                Map<String, Object> f = c.fields();
                f.put("spn", query);
                f.put("accounts", List.of());
                f.put("found", false);
                other.add(f);
            } else if (t.startsWith("Duplicate SPN found") || t.startsWith("FindDomainForAccount")
                    || t.startsWith("Unable to locate account") || t.startsWith("Ldap Error")
                    || t.startsWith("Failed to ")) {
                Map<String, Object> f = c.fields();
                f.put("error", t);
                other.add(f);
            } else if (dupSpn != null && indented) {
                add(spns, dupSpn, t, c).put("duplicate", true);
            } else if (t.startsWith("CN=") && !indented) {
                account = t; // setspn -Q: the account, then its SPNs
            } else if (account != null && indented && SPN.matcher(t).matches()) {
                add(spns, t, account, c);
            } else {
                c.diagnostic(no, "cannot read \"" + (t.length() > 80 ? t.substring(0, 80) + "…" : t)
                        + "\" as setspn output");
            }
        }
        for (Map<String, Object> f : spns.values()) {
            @SuppressWarnings("unchecked")
            List<String> accounts = (List<String>) f.get("accounts");
            if (accounts.size() > 1) {
                f.put("duplicate", true);
            }
            c.item("spns", f);
        }
        other.forEach(f -> c.item("spns", f));
        if (content.truncated()) {
            c.diagnostic(0, "only the first " + (Text.MAX_BYTES >> 20) + " MiB of the file were read");
        }
        c.finish("text", c.items());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> add(Map<String, Map<String, Object>> spns, String spn, String account,
            Collector c) {
        Map<String, Object> f = spns.computeIfAbsent(spn.toLowerCase(Locale.ROOT), k -> {
            Map<String, Object> m = c.fields();
            m.put("spn", spn);
            m.put("accounts", new ArrayList<String>());
            return m;
        });
        List<String> accounts = (List<String>) f.get("accounts");
        if (accounts.stream().noneMatch(a -> a.equalsIgnoreCase(account))) {
            accounts.add(account);
        }
        return f;
    }
}
