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
import org.kerbscope.evidence.windows.internal.Codes;
import org.kerbscope.evidence.windows.internal.Collector;
import org.kerbscope.evidence.windows.internal.LocalTimes;
import org.kerbscope.evidence.windows.internal.Text;

/**
 * klist output: Windows {@code klist}, {@code klist tickets}, {@code klist get SPN} and {@code klist tgt} (the
 * cached tickets with client, server, encryption types, flags, times and the KDC called, and the error a failed
 * {@code klist get} prints, with its meaning), and MIT/Heimdal {@code klist -e -f} (ticket cache, default
 * principal, the valid-starting/expires/service table, renew-until, flags and "Etype (skey, tkt)"). The Windows
 * fields are found by their labels, so a copy whose lines were run together (as in the troubleshooting guide)
 * reads the same as the console's own lines. Session keys and encoded tickets that {@code klist tgt} prints are
 * never kept.
 */
public final class KlistImporter implements EvidenceImporter {
    static final String KIND = "klist";

    private static final Pattern WIN_LABEL = Pattern.compile("(?<![\\w/])(Current LogonId is|Cached Tickets:|#\\d+>"
            + "|Client:|Server:|KerbTicket Encryption Type:|Ticket Flags\\s*:?|Start Time:|End Time:|Renew Time:"
            + "|Session Key Type:|Cache Flags:|Kdc Called:|A ticket to|Error calling API|klist failed with"
            + "|Deleting all tickets:|Ticket\\(s\\) purged!|Cached TGT:|ServiceName\\s*:|TargetName \\(SPN\\)\\s*:"
            + "|ClientName\\s*:|DomainName\\s*:|TargetDomainName\\s*:|AltTargetDomainName\\s*:|Session Key\\s*:"
            + "|StartTime\\s*:|EndTime\\s*:|RenewUntil\\s*:|TimeSkew\\s*:|EncodedTicket\\s*:)");
    private static final Pattern HEX_DUMP = Pattern.compile("^\\s*[0-9a-fA-F]{4}\\s+([0-9a-fA-F]{2}[ :]){4,}.*");
    private static final Pattern CODE = Pattern.compile("(0x[0-9a-fA-F]+)(?:/(-?\\d+))?");
    private static final Pattern KLIST_CMD = Pattern.compile("(?i)\\bklist(?:\\.exe)?\\s+get\\s+(\\S+)");
    private static final Pattern MIT_TICKET = Pattern.compile("^\\s*(" + LocalTimes.PATTERN + ")\\s+("
            + LocalTimes.PATTERN + "|>>>Expired<<<)\\s+(\\S+)\\s*$");
    private static final Pattern CACHED_COUNT = Pattern.compile("\\((\\d+)\\)");
    private static final Pattern RETRIEVED = Pattern.compile("^(\\S+) has been retrieved successfully");
    private static final Pattern KEY_TYPE = Pattern.compile("KeyType\\s+(0x[0-9a-fA-F]+)\\s*-\\s*(\\S+)");
    private static final Pattern FLAGS_HEX = Pattern.compile("0x([0-9a-fA-F]{1,8})");
    private static final String[] FLAG_BITS = {"reserved", "forwardable", "forwarded", "proxiable", "proxy",
        "may_postdate", "postdated", "invalid", "renewable", "initial", "pre_authent", "hw_authent",
        "transited_policy_checked", "ok_as_delegate", "reserved14", "name_canonicalize"};

    @Override
    public int recognise(String fileName, byte[] head) {
        try {
            String t = Text.head(head);
            if (t.contains("Current LogonId is") || t.contains("Cached Tickets:")
                    || t.contains("KerbTicket Encryption Type") || t.contains("Cached TGT:")) {
                return 95;
            }
            if (t.contains("Ticket cache:") || t.contains("Default principal:")
                    || (t.contains("Valid starting") && t.contains("Service principal"))) {
                return 95;
            }
            if (t.contains("klist failed with") || t.contains("LsaCallAuthenticationPackage")
                    || t.contains("Credentials cache:") || t.contains("klist: No credentials cache")) {
                return 85;
            }
            String name = fileName == null ? "" : fileName.toLowerCase(Locale.ROOT);
            return name.contains("klist") ? 30 : 0;
        } catch (RuntimeException e) {
            return 0;
        }
    }

    @Override
    public void read(Path file, Sink sink) throws IOException {
        Collector c = new Collector(sink, file, KIND);
        Text.Content content = Text.read(file);
        List<String> lines = Text.lines(content.text());
        String all = content.text();
        boolean mit = all.contains("Ticket cache:") || all.contains("Default principal:")
                || all.contains("Credentials cache:") || all.contains("Valid starting") || all.contains("klist: ");
        boolean windows = WIN_LABEL.matcher(all).find() && (all.contains("Current LogonId") || all.contains("Client:")
                || all.contains("klist failed") || all.contains("Error calling API") || all.contains("Cached TGT"));
        if (windows) {
            new Windows(c).read(lines, mit);
        } else if (mit) {
            new Mit(c).read(lines);
        } else {
            c.diagnostic(0, "this is not klist output (no \"Current LogonId\", \"Cached Tickets\", \"Ticket cache\" "
                    + "or ticket lines)");
        }
        if (content.truncated()) {
            c.diagnostic(0, "only the first " + (Text.MAX_BYTES >> 20) + " MiB of the file were read");
        }
        c.finish("text", c.items());
    }

    /** Names of the Kerberos ticket flags set in a 32-bit flags word (bit 0 is the most significant). */
    static List<String> flagNames(long flags) {
        List<String> out = new ArrayList<>();
        for (int bit = 0; bit < FLAG_BITS.length; bit++) {
            if ((flags & (0x80000000L >>> bit)) != 0) {
                out.add(FLAG_BITS[bit]);
            }
        }
        return out;
    }

    private static String principal(String s) {
        return s == null ? null : s.trim().replaceAll("\\s*@\\s*", "@");
    }

    // --- Windows --------------------------------------------------------------------------------------------------

    private static final class Windows {
        private final Collector c;
        private final List<Map<String, Object>> tickets = new ArrayList<>();
        private Map<String, Object> ticket;
        private Map<String, Object> error;
        private int errorLine;
        private String logonId;
        private String requested;
        private String retrieved;
        private int announced = -1;
        private int announcedLine;
        private boolean tgt;
        private String tgtDomain;
        private String tgtTargetDomain;

        Windows(Collector c) {
            this.c = c;
        }

        void read(List<String> lines, boolean alsoMit) {
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i);
                int no = i + 1;
                if (line.isBlank()) {
                    continue;
                }
                Matcher cmd = KLIST_CMD.matcher(line);
                if (Text.isPrompt(line) || line.trim().toLowerCase(Locale.ROOT).startsWith("klist")) {
                    if (cmd.find()) {
                        requested = cmd.group(1);
                    }
                    if (Text.isPrompt(line) || !WIN_LABEL.matcher(line).find()) {
                        continue;
                    }
                }
                if (HEX_DUMP.matcher(line).matches() || line.trim().startsWith(": KeyLength")) {
                    continue; // klist tgt's encoded ticket and session key: secrets, never kept
                }
                Matcher m = WIN_LABEL.matcher(line);
                String label = null;
                int start = 0;
                List<String[]> parts = new ArrayList<>();
                while (m.find()) {
                    if (label == null && !line.substring(0, m.start()).isBlank()) {
                        parts.add(new String[] {null, line.substring(0, m.start())});
                    }
                    if (label != null) {
                        parts.add(new String[] {label, line.substring(start, m.start())});
                    }
                    label = m.group(1);
                    start = m.end();
                }
                if (label == null) {
                    parts.add(new String[] {null, line});
                } else {
                    parts.add(new String[] {label, line.substring(start)});
                }
                for (String[] p : parts) {
                    field(p[0], p[1].trim(), no);
                }
            }
            flushError();
            endTicket();
            for (Map<String, Object> t : tickets) {
                if (retrieved != null && retrieved.equalsIgnoreCase(serverSpn(t))) {
                    t.put("retrieved", true);
                }
                c.item("tickets", t);
            }
            if (announced >= 0 && announced != tickets.size() && !tgt) {
                c.diagnostic(announcedLine, "klist announced " + announced + " cached tickets but " + tickets.size()
                        + " were read");
            }
        }

        private static String serverSpn(Map<String, Object> t) {
            Object s = t.get("server");
            if (s == null) {
                return "";
            }
            String str = s.toString();
            int at = str.lastIndexOf('@');
            return at > 0 ? str.substring(0, at) : str;
        }

        private Map<String, Object> ticket() {
            if (ticket == null) {
                ticket = c.fields();
                if (logonId != null) {
                    ticket.put("logonId", logonId);
                }
            }
            return ticket;
        }

        private void endTicket() {
            if (ticket != null) {
                if (tgt) {
                    ticket.put("tgt", true);
                    Object client = ticket.get("client");
                    if (client != null && tgtDomain != null && !client.toString().contains("@")) {
                        ticket.put("client", client + "@" + tgtDomain);
                    }
                    Object server = ticket.get("server");
                    if (server != null && tgtTargetDomain != null && !server.toString().contains("@")) {
                        ticket.put("server", server + "/" + tgtTargetDomain + "@" + tgtTargetDomain);
                    }
                }
                if (ticket.containsKey("client") || ticket.containsKey("server")) {
                    tickets.add(ticket);
                }
                ticket = null;
            }
        }

        private void field(String label, String value, int no) {
            if (label == null) {
                if (!value.isEmpty()) {
                    c.diagnostic(no, "cannot read \"" + shorten(value) + "\" as klist output");
                }
                return;
            }
            String l = label.replaceAll("\\s*:$", "").trim();
            switch (l) {
                case "Current LogonId is" -> {
                    flushError();
                    endTicket();
                    logonId = value;
                    tgt = false;
                }
                case "Cached Tickets" -> {
                    Matcher n = CACHED_COUNT.matcher(value);
                    if (n.find()) {
                        announced = Integer.parseInt(n.group(1));
                        announcedLine = no;
                    } else {
                        c.diagnostic(no, "\"Cached Tickets:\" without a count");
                    }
                }
                case "Cached TGT" -> {
                    endTicket();
                    tgt = true;
                }
                case "Deleting all tickets", "Ticket(s) purged!" -> {
                    // klist purge: nothing cached afterwards, nothing to keep
                }
                case "A ticket to" -> {
                    Matcher t = RETRIEVED.matcher(value);
                    if (t.find()) {
                        retrieved = t.group(1);
                    } else {
                        c.diagnostic(no, "cannot read \"A ticket to " + shorten(value) + "\"");
                    }
                }
                case "Error calling API", "klist failed with" -> error(l, value, no);
                default -> {
                    if (l.startsWith("#")) {
                        endTicket();
                        ticket().put("index", Integer.parseInt(l.substring(1, l.length() - 1)));
                    } else {
                        ticketField(l, value, no);
                    }
                }
            }
        }

        private void ticketField(String l, String value, int no) {
            switch (l) {
                case "Client", "ClientName" -> {
                    if (ticket != null && ticket.containsKey("client")) {
                        endTicket(); // a ticket listed without its "#n>" marker
                    }
                    ticket().put("client", principal(value));
                }
                case "Server", "ServiceName" -> ticket().put("server", principal(value));
                case "TargetName (SPN)" -> ticket().put("targetName", principal(value));
                case "DomainName" -> tgtDomain = value;
                case "TargetDomainName" -> tgtTargetDomain = value;
                case "AltTargetDomainName", "TimeSkew", "EncodedTicket" -> {
                    // not part of the ticket's contract fields; EncodedTicket's bytes follow and are skipped
                }
                case "KerbTicket Encryption Type" -> {
                    ticket().put("etype", value);
                    putNumber("etypeNumber", Codes.etypeNumber(value));
                }
                case "Session Key Type" -> {
                    ticket().put("sessionKeyType", value);
                    putNumber("sessionKeyNumber", Codes.etypeNumber(value));
                }
                case "Session Key" -> {
                    // "KeyType 0x12 - AES-256-CTS-HMAC-SHA1-96": the type only; the key bytes are never kept
                    Matcher k = KEY_TYPE.matcher(value);
                    if (k.find()) {
                        ticket().put("sessionKeyType", k.group(2));
                        putNumber("sessionKeyNumber", (int) Codes.parse(k.group(1)));
                    }
                }
                case "Ticket Flags" -> flags(value, no);
                case "Start Time", "StartTime" -> time("start", value, no);
                case "End Time", "EndTime" -> time("end", value, no);
                case "Renew Time", "RenewUntil" -> time("renew", value, no);
                case "Cache Flags" -> {
                    int arrow = value.indexOf("->");
                    List<String> names = new ArrayList<>();
                    if (arrow >= 0) {
                        for (String s : value.substring(arrow + 2).trim().split("\\s+")) {
                            if (!s.isEmpty()) {
                                names.add(s);
                            }
                        }
                    }
                    ticket().put("cacheFlags", names);
                }
                case "Kdc Called" -> ticket().put("kdcCalled", value);
                default -> c.diagnostic(no, "unknown klist field \"" + l + "\"");
            }
        }

        private void putNumber(String key, int n) {
            if (n >= 0) {
                ticket().put(key, n);
            }
        }

        private void flags(String value, int no) {
            Matcher h = FLAGS_HEX.matcher(value);
            if (!h.find()) {
                c.diagnostic(no, "\"Ticket Flags\" without a hexadecimal value: \"" + shorten(value) + "\"");
                return;
            }
            long bits = Long.parseLong(h.group(1), 16);
            ticket().put("flagsHex", "0x" + h.group(1).toLowerCase(Locale.ROOT));
            int arrow = value.indexOf("->");
            List<String> names = new ArrayList<>();
            if (arrow >= 0) {
                for (String s : value.substring(arrow + 2).trim().split("\\s+")) {
                    if (!s.isEmpty()) {
                        names.add(s);
                    }
                }
            }
            ticket().put("flags", names.isEmpty() ? flagNames(bits) : names);
        }

        private void time(String key, String value, int no) {
            String iso = LocalTimes.parse(value);
            if (iso == null) {
                c.diagnostic(no, "cannot read the time \"" + shorten(value) + "\"");
                ticket().put(key, value);
            } else {
                ticket().put(key, iso);
            }
        }

        private void error(String label, String value, int no) {
            Matcher m = CODE.matcher(value);
            String code = m.find() ? m.group(1).toLowerCase(Locale.ROOT) : null;
            int colon = value.indexOf(": ");
            String text = label.startsWith("klist") && colon >= 0 ? value.substring(colon + 2).trim() : null;
            if (error == null || no - errorLine > 3) {
                flushError();
                error = c.fields();
                if (logonId != null) {
                    error.put("logonId", logonId);
                }
                if (requested != null) {
                    error.put("spn", requested);
                }
                error.put("message", label + " " + value);
            } else {
                error.put("message", error.get("message") + "\n" + label + " " + value);
            }
            errorLine = no;
            long parsed = Codes.parse(code);
            Codes.Name n = code == null ? null : Codes.error(parsed);
            String key = error.containsKey("error") ? "status" : "error";
            error.put(key, code);
            if (n != null) {
                error.put(key + "Name", n.name());
                error.putIfAbsent("meaning", n.meaning());
            } else if (text != null) {
                error.putIfAbsent("meaning", text);
            }
        }

        private void flushError() {
            if (error != null) {
                error.putIfAbsent("meaning", "klist could not get the ticket");
                c.item("tickets", error);
                error = null;
            }
        }
    }

    // --- MIT / Heimdal --------------------------------------------------------------------------------------------

    private static final class Mit {
        private final Collector c;
        private String cache;
        private String principal;
        private Map<String, Object> ticket;

        Mit(Collector c) {
            this.c = c;
        }

        void read(List<String> lines) {
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i);
                int no = i + 1;
                String t = line.trim();
                if (t.isEmpty() || Text.isPrompt(line)) {
                    continue;
                }
                Matcher tm = MIT_TICKET.matcher(line);
                if (t.startsWith("Ticket cache:") || t.startsWith("Credentials cache:")) {
                    end();
                    cache = t.substring(t.indexOf(':') + 1).trim();
                } else if (t.startsWith("Default principal:") || t.startsWith("Principal:")) {
                    principal = t.substring(t.indexOf(':') + 1).trim();
                } else if ((t.startsWith("Valid starting") && t.contains("Expires"))
                        || (t.startsWith("Issued") && t.contains("Expires"))) {
                    continue;
                } else if (tm.matches()) {
                    end();
                    ticket = c.fields();
                    if (cache != null) {
                        ticket.put("cache", cache);
                    }
                    if (principal != null) {
                        ticket.put("client", principal);
                    }
                    ticket.put("server", tm.group(3));
                    ticket.put("start", LocalTimes.parse(tm.group(1)));
                    if (tm.group(2).startsWith(">>>")) {
                        ticket.put("expired", true);
                    } else {
                        ticket.put("end", LocalTimes.parse(tm.group(2)));
                    }
                } else if (ticket != null && Character.isWhitespace(line.charAt(0)) && detail(t, no)) {
                    continue;
                } else if (t.startsWith("klist:")) {
                    end();
                    Map<String, Object> e = c.fields();
                    e.put("error", t.substring(6).trim());
                    e.put("meaning", t.contains("No credentials cache") || t.contains("not found")
                            ? "the user has no Kerberos tickets (no kinit, or another ticket cache)"
                            : "klist could not read the ticket cache");
                    c.item("tickets", e);
                } else {
                    c.diagnostic(no, "cannot read \"" + shorten(t) + "\" as klist output");
                }
            }
            end();
        }

        /** The indented lines under a ticket: renew until, flags, etypes, for client, addresses. */
        private boolean detail(String t, int no) {
            boolean known = false;
            if (t.startsWith("Etype (skey, tkt):")) {
                String[] e = t.substring(t.indexOf(':') + 1).split(",");
                if (e.length == 2) {
                    ticket.put("sessionKeyType", e[0].trim());
                    ticket.put("etype", e[1].trim());
                    if (Codes.etypeNumber(e[0]) >= 0) {
                        ticket.put("sessionKeyNumber", Codes.etypeNumber(e[0]));
                    }
                    if (Codes.etypeNumber(e[1]) >= 0) {
                        ticket.put("etypeNumber", Codes.etypeNumber(e[1]));
                    }
                } else {
                    c.diagnostic(no, "cannot read the encryption types \"" + shorten(t) + "\"");
                }
                return true;
            }
            for (String part : t.split(",\\s*(?=[A-Za-z])")) {
                String p = part.trim();
                if (p.startsWith("renew until")) {
                    ticket.put("renew", LocalTimes.parse(p.substring("renew until".length())));
                    known = true;
                } else if (p.startsWith("Flags:")) {
                    ticket.put("flags", mitFlags(p.substring(6).trim()));
                    ticket.put("flagLetters", p.substring(6).trim());
                    known = true;
                } else if (p.startsWith("for client")) {
                    ticket.put("client", p.substring("for client".length()).trim());
                    known = true;
                } else if (p.startsWith("Addresses:") || p.startsWith("Ticket flags:")) {
                    known = true;
                }
            }
            return known;
        }

        private void end() {
            if (ticket != null) {
                c.item("tickets", ticket);
                ticket = null;
            }
        }

        /** MIT's flag letters (klist -f) as the names Windows' klist uses. */
        private static List<String> mitFlags(String letters) {
            Map<Character, String> names = new LinkedHashMap<>();
            names.put('F', "forwardable");
            names.put('f', "forwarded");
            names.put('P', "proxiable");
            names.put('p', "proxy");
            names.put('D', "may_postdate");
            names.put('d', "postdated");
            names.put('i', "invalid");
            names.put('R', "renewable");
            names.put('I', "initial");
            names.put('A', "pre_authent");
            names.put('H', "hw_authent");
            names.put('T', "transited_policy_checked");
            names.put('O', "ok_as_delegate");
            names.put('a', "anonymous");
            List<String> out = new ArrayList<>();
            for (char ch : letters.toCharArray()) {
                String n = names.get(ch);
                if (n != null) {
                    out.add(n);
                }
            }
            return out;
        }
    }

    private static String shorten(String s) {
        return s.length() > 80 ? s.substring(0, 80) + "…" : s;
    }
}
