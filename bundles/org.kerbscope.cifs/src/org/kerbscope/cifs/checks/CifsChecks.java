package org.kerbscope.cifs.checks;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.kerbscope.cifs.CifsService;
import org.kerbscope.cifs.internal.SmbSessions;
import org.kerbscope.cifs.internal.SmbSessions.Exchange;
import org.kerbscope.core.flow.FindingBuilder;
import org.kerbscope.core.model.Analysis;
import org.kerbscope.core.model.AuthAttempt;
import org.kerbscope.core.model.EvidenceItem;
import org.kerbscope.core.model.Event;

/** What the CIFS checks ask of an attempt: its session set-ups, the server's name, the account's name. */
final class CifsChecks {
    /** What PowerShell takes unquoted (compiled once: every finding quotes names). */
    private static final java.util.regex.Pattern PLAIN_ARGUMENT = java.util.regex.Pattern.compile("[A-Za-z0-9_.$@\\\\-]+");

    private CifsChecks() {
    }

    static List<AuthAttempt> attempts(Analysis a) {
        return a.attempts().stream().filter(at -> CifsService.SERVICE.equals(at.service())).toList();
    }

    static List<Exchange> exchanges(AuthAttempt at) {
        List<Event> smb = new ArrayList<>();
        for (Event e : at.events()) {
            if ("smb2".equals(e.protocol()) || "smb".equals(e.protocol())) {
                smb.add(e);
            }
        }
        return SmbSessions.exchanges(smb);
    }

    /** The file server as the user named it, else its address. */
    static String server(AuthAttempt at) {
        return at.host() != null ? at.host() : at.server().address();
    }

    /** The account an exchange logged on with: NTLM's DOMAIN\\user, else the attempt's user, else null. */
    static String account(Analysis a, AuthAttempt at, Exchange x) {
        String n = CifsService.ntlmAccount(a, x);
        return n != null ? n : at.user();
    }

    /** The bare account name ({@code John} from CONTOSO\John or John@CONTOSO.COM). */
    static String samName(String account) {
        if (account == null) {
            return "<user>";
        }
        String s = account;
        int bs = s.lastIndexOf('\\');
        if (bs >= 0) {
            s = s.substring(bs + 1);
        }
        int at = s.indexOf('@');
        return at > 0 ? s.substring(0, at) : s;
    }

    /** DOMAIN\\user as net use wants it. */
    static String domainAccount(String account, AuthAttempt at) {
        if (account == null) {
            return "DOMAIN\\<user>";
        }
        if (account.contains("\\")) {
            return account;
        }
        int i = account.indexOf('@');
        if (i > 0) {
            String realm = account.substring(i + 1);
            int dot = realm.indexOf('.');
            return (dot > 0 ? realm.substring(0, dot) : realm).toUpperCase(Locale.ROOT) + "\\" + account.substring(0, i);
        }
        return account;
    }

    /** The UNC path the client opened, or \\server. */
    static String unc(AuthAttempt at, Exchange x) {
        String s = x != null ? x.share() : null;
        return s != null ? s : "\\\\" + server(at);
    }

    /** Security events (4625, 4624) the server logged for this client, as evidence. */
    static void securityEvents(Analysis a, AuthAttempt at, FindingBuilder f, int eventId) {
        for (EvidenceItem ev : a.evidence("events")) {
            if (ev.fields().get("eventId") instanceof Number id && id.intValue() == eventId
                    && ev.fields().get("data") instanceof Map<?, ?> d && at.client().equals(String.valueOf(d.get("IpAddress")))) {
                f.file(ev.file(), "event " + eventId + " record " + ev.fields().get("recordId") + ": "
                        + (ev.fields().get("summary") != null ? ev.fields().get("summary") : "logon from " + at.client()));
            }
        }
    }

    /** A PowerShell argument: quoted when it holds a space or a quote. */
    static String ps(String arg) {
        return PLAIN_ARGUMENT.matcher(arg).matches() ? arg : "'" + arg.replace("'", "''") + "'";
    }

    /** A cmd.exe argument: double-quoted when it holds a space. */
    static String cmd(String arg) {
        return arg.contains(" ") ? "\"" + arg + "\"" : arg;
    }

    static String hex(long status) {
        return String.format(Locale.ROOT, "0x%08X", status);
    }
}
