package org.kerbscope.evidence.windows.internal;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Events as Event Viewer's "Copy details as text" gives them (the guide's 4624 excerpt): a header of
 * {@code Log Name:}, {@code Source:}, {@code Date:}, {@code Event ID:} … lines, then the description with sections
 * ({@code New Logon:}) of labelled values. The labels are mapped back to the EventData names the XML form uses
 * ({@code Source Network Address} → {@code IpAddress}), so both forms feed the same checks.
 */
public final class EventTextReader {
    private static final Pattern LABEL = Pattern.compile("^\\s*([A-Za-z][A-Za-z0-9 ()/'-]{0,48}?):(?:\\s+(.*?))?\\s*$");
    private static final Map<String, String> NAMES = new HashMap<>();

    /** One event: header fields by label, data by EventData name, the 1-based line it starts on. */
    public record TextEvent(int line, Map<String, String> header, Map<String, String> data) {
    }

    private static void map(String section, String label, String name) {
        NAMES.put(section + "|" + label, name);
    }

    static {
        for (String s : new String[] {"Subject", "Creator Subject"}) {
            map(s, "Security ID", "SubjectUserSid");
            map(s, "Account Name", "SubjectUserName");
            map(s, "Account Domain", "SubjectDomainName");
            map(s, "Logon ID", "SubjectLogonId");
        }
        map("", "Logon Type", "LogonType");
        map("Logon Information", "Logon Type", "LogonType");
        map("Logon Information", "Restricted Admin Mode", "RestrictedAdminMode");
        map("Logon Information", "Virtual Account", "VirtualAccount");
        map("Logon Information", "Elevated Token", "ElevatedToken");
        map("", "Impersonation Level", "ImpersonationLevel");
        for (String s : new String[] {"New Logon", "Account For Which Logon Failed", "Account Whose Credentials Were Used",
                "Target Subject"}) {
            map(s, "Security ID", "TargetUserSid");
            map(s, "Account Name", "TargetUserName");
            map(s, "Account Domain", "TargetDomainName");
            map(s, "Logon ID", "TargetLogonId");
            map(s, "Linked Logon ID", "TargetLinkedLogonId");
            map(s, "Network Account Name", "TargetOutboundUserName");
            map(s, "Network Account Domain", "TargetOutboundDomainName");
            map(s, "Logon GUID", "LogonGuid");
        }
        map("Failure Information", "Failure Reason", "FailureReason");
        map("Failure Information", "Status", "Status");
        map("Failure Information", "Sub Status", "SubStatus");
        map("Process Information", "Process ID", "ProcessId");
        map("Process Information", "Process Name", "ProcessName");
        map("Process Information", "Caller Process ID", "ProcessId");
        map("Process Information", "Caller Process Name", "ProcessName");
        map("Network Information", "Workstation Name", "WorkstationName");
        map("Network Information", "Source Network Address", "IpAddress");
        map("Network Information", "Source Port", "IpPort");
        map("Network Information", "Client Address", "IpAddress");
        map("Network Information", "Client Port", "IpPort");
        map("Network Information", "Network Address", "IpAddress");
        map("Network Information", "Port", "IpPort");
        map("Detailed Authentication Information", "Logon Process", "LogonProcessName");
        map("Detailed Authentication Information", "Authentication Package", "AuthenticationPackageName");
        map("Detailed Authentication Information", "Transited Services", "TransmittedServices");
        map("Detailed Authentication Information", "Package Name (NTLM only)", "LmPackageName");
        map("Detailed Authentication Information", "Key Length", "KeyLength");
        map("Account Information", "Account Name", "TargetUserName");
        map("Account Information", "Supplied Realm Name", "TargetDomainName");
        map("Account Information", "Account Domain", "TargetDomainName");
        map("Account Information", "User ID", "TargetSid");
        map("Account Information", "Security ID", "TargetSid");
        map("Account Information", "Logon GUID", "LogonGuid");
        map("Service Information", "Service Name", "ServiceName");
        map("Service Information", "Service ID", "ServiceSid");
        map("Additional Information", "Ticket Options", "TicketOptions");
        map("Additional Information", "Result Code", "Status");
        map("Additional Information", "Failure Code", "Status");
        map("Additional Information", "Ticket Encryption Type", "TicketEncryptionType");
        map("Additional Information", "Pre-Authentication Type", "PreAuthType");
        map("Additional Information", "Transited Services", "TransmittedServices");
        map("Certificate Information", "Certificate Issuer Name", "CertIssuerName");
        map("Certificate Information", "Certificate Serial Number", "CertSerialNumber");
        map("Certificate Information", "Certificate Thumbprint", "CertThumbprint");
        map("", "Authentication Package", "PackageName");
        map("", "Logon Account", "TargetUserName");
        map("", "Source Workstation", "Workstation");
        map("", "Error Code", "Status");
        map("Target Server", "Target Server Name", "TargetServerName");
        map("Target Server", "Additional Information", "TargetInfo");
        map("", "Privileges", "PrivilegeList");
    }

    private EventTextReader() {
    }

    /** Whether the text looks like Event Viewer's text of an event. */
    public static boolean looksLike(String text) {
        return text.contains("Event ID:") && (text.contains("Log Name:") || text.contains("Source:"))
                && (text.contains("Description:") || text.contains("Computer:"));
    }

    /** Reads every event of the text; lines that are neither labels nor prose become diagnostics. */
    public static List<TextEvent> read(List<String> lines, Collector diagnostics) {
        List<TextEvent> out = new java.util.ArrayList<>();
        TextEvent cur = null;
        boolean inDescription = false;
        String section = "";
        String lastName = null;
        for (int i = 0; i < lines.size(); i++) {
            String raw = lines.get(i);
            int lineNo = i + 1;
            if (raw.isBlank()) {
                lastName = null;
                continue;
            }
            Matcher m = LABEL.matcher(raw);
            String label = m.matches() ? m.group(1).trim() : null;
            String value = m.matches() && m.group(2) != null ? m.group(2) : "";
            if ("Log Name".equals(label)) {
                cur = new TextEvent(lineNo, new LinkedHashMap<>(), new LinkedHashMap<>());
                out.add(cur);
                cur.header().put(label, value);
                inDescription = false;
                section = "";
                continue;
            }
            if (cur == null) {
                if (!Text.isPrompt(raw)) {
                    diagnostics.diagnostic(lineNo, "not part of an event (events start with \"Log Name:\")");
                }
                continue;
            }
            if (!inDescription) {
                if ("Description".equals(label)) {
                    inDescription = true;
                } else if (label != null) {
                    cur.header().put(label, value);
                } else {
                    diagnostics.diagnostic(lineNo, "not an event header line: \"" + raw.strip() + "\"");
                }
                continue;
            }
            if (label == null || label.contains(".")) {
                // a continuation of a multi-line value (Privileges) or the description's prose
                if (lastName != null && Character.isWhitespace(raw.charAt(0))) {
                    cur.data().merge(lastName, raw.strip(), (a, b) -> a + "\n" + b);
                }
                continue;
            }
            if (value.isEmpty() && !Character.isWhitespace(raw.charAt(0)) && NAMES.get("|" + label) == null) {
                section = label;
                lastName = null;
                continue;
            }
            String name = NAMES.get(section + "|" + label);
            if (name == null) {
                name = NAMES.get("|" + label);
            }
            if (name == null) {
                name = label.replaceAll("[^A-Za-z0-9]", "");
            }
            cur.data().put(name, value);
            lastName = name;
        }
        return out;
    }
}
