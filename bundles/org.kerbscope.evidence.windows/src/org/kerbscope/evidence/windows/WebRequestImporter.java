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
 * {@code Invoke-WebRequest -Uri … -UseDefaultCredentials} output, the guide's "site with default credentials"
 * test: StatusCode, StatusDescription, the RawContent status line and headers ({@code Persistent-Auth},
 * {@code WWW-Authenticate}) or the Headers dictionary, and the error forms of Windows PowerShell
 * ("Invoke-WebRequest : 401 - Unauthorized: Access is denied …", "The remote server returned an error: (401)
 * Unauthorized.") and PowerShell 7 ("Response status code does not indicate success: 401 (Unauthorized)."). One
 * {@code webRequests} item per request.
 */
public final class WebRequestImporter implements EvidenceImporter {
    static final String KIND = "web-request";
    private static final Pattern COMMAND = Pattern.compile(
            "(?i)\\b(?:invoke-webrequest|iwr|curl|wget|invoke-restmethod|irm)\\b(.*)$");
    private static final Pattern URI = Pattern.compile("(?i)(https?://[^\\s'\"]+)");
    private static final Pattern ERROR = Pattern.compile("(?i)^\\s*(?:invoke-webrequest|iwr|invoke-restmethod)\\s*:\\s*(.*)$");
    private static final Pattern[] STATUS = {
        Pattern.compile("\\b([1-5]\\d\\d)(?:\\.\\d+)? - ([A-Za-z][\\w ]*?)(?::|\\.|$)"),
        Pattern.compile("\\((\\d{3})\\) ([A-Za-z][\\w ]*?)(?:\\.|$)"),
        Pattern.compile("does not indicate success: (\\d{3}) \\(([^)]*)\\)")};
    private static final Pattern HEADER = Pattern.compile("^([A-Za-z][A-Za-z0-9-]*):\\s*(.*)$");
    private static final Pattern HEADER_PAIR = Pattern.compile("\\[([^,\\]]+), ([^\\]]*)\\]");

    @Override
    public int recognise(String fileName, byte[] head) {
        try {
            String t = Text.head(head);
            if (t.contains("StatusCode") && (t.contains("StatusDescription") || t.contains("RawContent"))) {
                return 90;
            }
            if (ERROR.matcher(t).find() || t.toLowerCase(Locale.ROOT).contains("invoke-webrequest")) {
                return 75;
            }
            String name = fileName == null ? "" : fileName.toLowerCase(Locale.ROOT);
            return name.contains("webrequest") || name.contains("iwr") ? 30 : 0;
        } catch (RuntimeException e) {
            return 0;
        }
    }

    @Override
    public void read(Path file, Sink sink) throws IOException {
        Collector c = new Collector(sink, file, KIND);
        Text.Content content = Text.read(file);
        List<String> lines = Text.lines(content.text());
        String uri = null;
        int i = 0;
        while (i < lines.size()) {
            String line = lines.get(i);
            String t = line.strip();
            Matcher err = ERROR.matcher(line);
            if (err.find()) {
                // the error record: its first line, the server's message after it, PowerShell's decoration
                StringBuilder text = new StringBuilder(err.group(1).strip());
                int j = i + 1;
                while (j < lines.size() && !PsList.isProperty(lines.get(j)) && !Text.isPrompt(lines.get(j))
                        && !ERROR.matcher(lines.get(j)).find()) {
                    String l = lines.get(j).strip();
                    if (!l.isEmpty() && !PsList.isErrorDecoration(lines.get(j)) && text.length() < 600) {
                        text.append('\n').append(l);
                    }
                    j++;
                }
                error(c, uri, text.toString());
                i = j;
                continue;
            }
            Matcher cmd = COMMAND.matcher(line);
            if (Text.isPrompt(line) || (cmd.find() && !PsList.isProperty(line))) {
                Matcher u = URI.matcher(line);
                if (u.find()) {
                    uri = u.group(1);
                }
                i++;
                continue;
            }
            if (t.isEmpty()) {
                i++;
                continue;
            }
            if (PsList.isProperty(line)) {
                int end = i;
                while (end < lines.size() && !Text.isPrompt(lines.get(end)) && !ERROR.matcher(lines.get(end)).find()) {
                    end++;
                }
                for (List<PsList.Entry> o : PsList.objects(lines, i, end,
                        k -> c.diagnostic(k + 1, "cannot read \"" + shorten(lines.get(k).strip()) + "\""))) {
                    response(c, uri, o);
                }
                i = end;
                continue;
            }
            c.diagnostic(i + 1, "cannot read \"" + shorten(t) + "\" as Invoke-WebRequest output");
            i++;
        }
        if (content.truncated()) {
            c.diagnostic(0, "only the first " + (Text.MAX_BYTES >> 20) + " MiB of the file were read");
        }
        c.finish("text", c.items());
    }

    private static void response(Collector c, String uri, List<PsList.Entry> o) {
        String code = PsList.get(o, "StatusCode");
        if (code == null) {
            c.diagnostic(o.get(0).line(), "an Invoke-WebRequest result without StatusCode");
            return;
        }
        Map<String, Object> f = c.fields();
        f.put("uri", uri);
        Integer status = code.strip().matches("\\d{3}") ? Integer.valueOf(code.strip()) : null;
        if (status == null) {
            c.diagnostic(o.get(0).line(), "StatusCode \"" + shorten(code) + "\" is not an HTTP status");
        }
        f.put("status", status);
        f.put("statusDescription", PsList.get(o, "StatusDescription"));
        Map<String, String> headers = new LinkedHashMap<>();
        List<String> auth = new ArrayList<>();
        String raw = PsList.get(o, "RawContent");
        if (raw != null) {
            String[] rl = raw.split("\n");
            for (int k = 1; k < rl.length; k++) {
                Matcher h = HEADER.matcher(rl[k].strip());
                if (rl[k].isBlank()) {
                    break; // the body follows
                }
                if (h.matches()) {
                    header(headers, auth, h.group(1), h.group(2));
                }
            }
            Matcher sl = Pattern.compile("^HTTP/\\d(?:\\.\\d)? (\\d{3})").matcher(rl[0].strip());
            if (sl.find()) {
                f.put("statusLine", rl[0].strip());
            }
        }
        String dict = PsList.get(o, "Headers");
        if (dict != null) {
            Matcher p = HEADER_PAIR.matcher(dict);
            while (p.find()) {
                if (!headers.containsKey(p.group(1).strip())) {
                    header(headers, auth, p.group(1).strip(), p.group(2).strip());
                }
            }
        }
        f.put("headers", headers);
        f.put("wwwAuthenticate", auth);
        String pa = headerValue(headers, "Persistent-Auth");
        f.put("persistentAuth", pa == null ? null : Boolean.valueOf(pa.strip().toLowerCase(Locale.ROOT).startsWith("true")));
        f.put("succeeded", status != null && status < 400);
        c.item("webRequests", f);
    }

    private static void header(Map<String, String> headers, List<String> auth, String name, String value) {
        headers.merge(name, value, (a, b) -> a + ", " + b);
        if (name.equalsIgnoreCase("WWW-Authenticate") || name.equalsIgnoreCase("Proxy-Authenticate")) {
            for (String part : value.split(",\\s*(?=(?:Negotiate|NTLM|Kerberos|Basic|Digest|Bearer)\\b)")) {
                String scheme = part.strip().split("\\s+")[0];
                if (!scheme.isEmpty() && !scheme.endsWith("...")) {
                    auth.add(scheme);
                }
            }
        }
    }

    private static String headerValue(Map<String, String> headers, String name) {
        for (Map.Entry<String, String> e : headers.entrySet()) {
            if (e.getKey().equalsIgnoreCase(name)) {
                return e.getValue();
            }
        }
        return null;
    }

    private static void error(Collector c, String uri, String text) {
        Map<String, Object> f = c.fields();
        f.put("uri", uri);
        Integer status = null;
        String description = null;
        for (Pattern p : STATUS) {
            Matcher m = p.matcher(text);
            if (m.find()) {
                status = Integer.valueOf(m.group(1));
                description = m.group(2).strip();
                break;
            }
        }
        f.put("status", status);
        f.put("statusDescription", description);
        f.put("wwwAuthenticate", List.of());
        f.put("persistentAuth", null);
        f.put("succeeded", false);
        f.put("error", text);
        c.item("webRequests", f);
    }

    private static String shorten(String s) {
        return s.length() > 80 ? s.substring(0, 80) + "…" : s;
    }
}
