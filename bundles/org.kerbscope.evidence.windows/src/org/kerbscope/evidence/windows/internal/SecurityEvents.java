package org.kerbscope.evidence.windows.internal;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.kerbscope.evidence.windows.evtx.XElement;

/**
 * The Security events that tell an authentication's story, taken out of a rendered {@code <Event>} element the
 * same way whether it came from an .evtx file, an XML export or Event Viewer's text, and told in one sentence.
 */
public final class SecurityEvents {
    /** Logons, logoffs, special logons, explicit credentials, Kerberos AS/TGS/renewal/pre-auth, NTLM validation. */
    public static final Set<Integer> IDS = Set.of(4624, 4625, 4634, 4647, 4648, 4672, 4768, 4769, 4770, 4771, 4772,
            4773, 4776, 4777);
    public static final String PROVIDER = "Microsoft-Windows-Security-Auditing";
    private static final Pattern FRACTION = Pattern.compile("^(.*T\\d\\d:\\d\\d:\\d\\d)(?:\\.(\\d+))?(Z|[+-]\\d\\d:?\\d\\d)?$");

    /** One event's facts; recordId -1 when the source holds none. */
    public record Extracted(long recordId, int eventId, String time, String computer, String provider,
            Map<String, String> data) {
    }

    private SecurityEvents() {
    }

    /** The event's facts; null when the element has no usable EventID. */
    public static Extracted extract(XElement event, long fallbackRecordId, String fallbackTime) {
        XElement system = event.child("System");
        if (system == null) {
            return null;
        }
        XElement id = system.child("EventID");
        int eventId;
        try {
            eventId = id == null ? -1 : Integer.parseInt(id.text().trim());
        } catch (NumberFormatException e) {
            eventId = -1;
        }
        if (eventId < 0) {
            return null;
        }
        long recordId = fallbackRecordId;
        XElement rid = system.child("EventRecordID");
        if (rid != null) {
            try {
                recordId = Long.parseLong(rid.text().trim());
            } catch (NumberFormatException e) {
                recordId = fallbackRecordId;
            }
        }
        XElement tc = system.child("TimeCreated");
        String time = tc != null && tc.attribute("SystemTime") != null ? normaliseTime(tc.attribute("SystemTime"))
                : fallbackTime;
        XElement comp = system.child("Computer");
        XElement prov = system.child("Provider");
        return new Extracted(recordId, eventId, time, comp == null ? null : comp.text(),
                prov == null ? null : prov.attribute("Name"), data(event));
    }

    /** EventData's Data elements by Name (unnamed ones as Data1, Data2…), or UserData's fields. */
    public static Map<String, String> data(XElement event) {
        Map<String, String> out = new LinkedHashMap<>();
        XElement ed = event.child("EventData");
        if (ed != null) {
            int unnamed = 0;
            for (XElement d : ed.elements()) {
                if (!d.name().equals("Data")) {
                    continue;
                }
                String name = d.attribute("Name");
                out.put(name != null ? name : "Data" + (++unnamed), d.text());
            }
            return out;
        }
        XElement ud = event.child("UserData");
        if (ud != null && !ud.elements().isEmpty()) {
            for (XElement d : ud.elements().get(0).elements()) {
                out.put(d.name(), d.text());
            }
        }
        return out;
    }

    /** Whether the event belongs to the set the importer reports (the Security auditing provider's ids). */
    public static boolean wanted(Extracted e) {
        return IDS.contains(e.eventId()) && (e.provider() == null || e.provider().contains("Security-Auditing"));
    }

    /** The contract fields of one {@code events} entry. */
    public static Map<String, Object> fields(Collector c, Extracted e) {
        Map<String, Object> f = c.fields();
        if (e.recordId() >= 0) {
            f.put("recordId", e.recordId());
        }
        f.put("eventId", e.eventId());
        f.put("time", e.time());
        f.put("computer", e.computer());
        f.put("data", e.data());
        f.put("summary", summary(e.eventId(), e.data()));
        return f;
    }

    /** Windows gives SystemTime with 7 fraction digits; renderers pad to 9. Keep 7 when nothing is lost. */
    public static String normaliseTime(String t) {
        if (t == null) {
            return null;
        }
        Matcher m = FRACTION.matcher(t.trim());
        if (!m.matches()) {
            return t;
        }
        String frac = m.group(2) == null ? "" : m.group(2);
        if (frac.length() > 7) {
            if (!frac.substring(7).chars().allMatch(ch -> ch == '0')) {
                return t.trim();
            }
            frac = frac.substring(0, 7);
        }
        frac = (frac + "0000000").substring(0, 7);
        String zone = m.group(3) == null ? "Z" : m.group(3);
        return m.group(1) + "." + frac + zone;
    }

    // --- sentences -----------------------------------------------------------------------------------------------

    public static String summary(int eventId, Map<String, String> d) {
        return switch (eventId) {
            case 4624 -> account(d, "TargetDomainName", "TargetUserName") + " logged on "
                    + Codes.logonType(d.get("LogonType")) + package_(d) + from(d);
            case 4625 -> account(d, "TargetDomainName", "TargetUserName") + " failed to log on "
                    + Codes.logonType(d.get("LogonType")) + package_(d) + from(d) + ": " + failure(d);
            case 4634 -> account(d, "TargetDomainName", "TargetUserName") + " logged off (a logon made "
                    + Codes.logonType(d.get("LogonType")) + ")";
            case 4647 -> account(d, "TargetDomainName", "TargetUserName") + " logged off";
            case 4648 -> account(d, "SubjectDomainName", "SubjectUserName") + " used the explicit credentials of "
                    + account(d, "TargetDomainName", "TargetUserName") + " to reach "
                    + orDash(d.get("TargetServerName"), "a server") + from(d);
            case 4672 -> "Special privileges were given to the new logon of "
                    + account(d, "SubjectDomainName", "SubjectUserName") + ": "
                    + String.join(", ", List.of(orDash(d.get("PrivilegeList"), "").trim().split("\\s+")));
            case 4768 -> kdc(d, "a ticket-granting ticket (AS)");
            case 4769 -> kdc(d, "a service ticket for " + orDash(d.get("ServiceName"), "an unnamed service"));
            case 4770 -> "The KDC renewed a service ticket for " + orDash(d.get("ServiceName"), "an unnamed service")
                    + " for " + user(d) + from(d);
            case 4771 -> "Kerberos pre-authentication failed for " + user(d)
                    + (present(d.get("ServiceName")) ? " (service " + d.get("ServiceName") + ")" : "") + from(d)
                    + ": " + kerberosCode(d.get("Status"));
            case 4772 -> "A Kerberos ticket-granting ticket request failed for " + user(d) + from(d) + ": "
                    + kerberosCode(d.get("FailureCode") != null ? d.get("FailureCode") : d.get("Status"));
            case 4773 -> "A Kerberos service ticket request failed for " + user(d) + from(d) + ": "
                    + kerberosCode(d.get("FailureCode") != null ? d.get("FailureCode") : d.get("Status"));
            case 4776, 4777 -> "The computer checked the NTLM credentials of "
                    + orDash(d.get("TargetUserName"), "an unnamed account")
                    + (present(d.get("Workstation")) ? " from workstation " + d.get("Workstation") : "") + ": "
                    + ntstatus(d.get("Status"));
            default -> "Event " + eventId;
        };
    }

    private static String kdc(Map<String, String> d, String what) {
        long status = Codes.parse(d.get("Status"));
        String etype = d.get("TicketEncryptionType");
        long et = Codes.parse(etype);
        if (status == 0) {
            String enc = et >= 0 && et != 0xffffffffL ? " (ticket encryption " + Codes.etypeShort(et) + ", " + etype
                    + ")" : "";
            return "The KDC issued " + what + " to " + user(d) + from(d) + enc;
        }
        return "The KDC refused " + what + " to " + user(d) + from(d) + ": " + kerberosCode(d.get("Status"));
    }

    private static String user(Map<String, String> d) {
        String u = d.get("TargetUserName");
        if (!present(u)) {
            return "an unnamed account";
        }
        String dom = d.get("TargetDomainName");
        return u.contains("@") || !present(dom) ? u : u + "@" + dom;
    }

    private static String kerberosCode(String status) {
        long code = Codes.parse(status);
        Codes.Name n = Codes.kerberos(code);
        if (n == null) {
            return "Kerberos error " + (status == null ? "(none given)" : status);
        }
        return n.name() + " (" + status.trim() + "), " + n.meaning();
    }

    private static String ntstatus(String status) {
        long code = Codes.parse(status);
        if (code == 0) {
            return "success";
        }
        Codes.Name n = Codes.ntstatus(code);
        return n == null ? "status " + status : n.meaning() + " (" + status.trim() + " " + n.name() + ")";
    }

    private static String failure(Map<String, String> d) {
        long sub = Codes.parse(d.get("SubStatus"));
        long status = Codes.parse(d.get("Status"));
        String main = sub > 0 ? ntstatus(d.get("SubStatus")) : ntstatus(d.get("Status"));
        if (sub > 0 && status > 0 && status != sub) {
            Codes.Name n = Codes.ntstatus(status);
            main += ", status " + d.get("Status").trim() + (n == null ? "" : " " + n.name());
        }
        return main;
    }

    private static String package_(Map<String, String> d) {
        String p = d.get("AuthenticationPackageName");
        if (!present(p)) {
            return "";
        }
        String lm = d.get("LmPackageName");
        return " with " + p + (p.equalsIgnoreCase("NTLM") && present(lm) ? " (" + lm + ")" : "");
    }

    private static String from(Map<String, String> d) {
        String ip = org.kerbscope.core.model.EvidenceItem.address(d.get("IpAddress"));
        if (ip != null) {
            return " from " + ip;
        }
        String ws = d.get("WorkstationName");
        return present(ws) ? " from workstation " + ws : "";
    }

    private static String account(Map<String, String> d, String domainKey, String userKey) {
        String u = d.get(userKey);
        String dom = d.get(domainKey);
        if (!present(u)) {
            return "an unnamed account";
        }
        return present(dom) ? dom + "\\" + u : u;
    }

    private static boolean present(String s) {
        return s != null && !s.isBlank() && !s.trim().equals("-");
    }

    private static String orDash(String s, String otherwise) {
        return present(s) ? s : otherwise;
    }
}
