package org.kerbscope.checks.kerberos;

import java.util.List;
import java.util.Map;

import org.kerbscope.core.flow.FindingBuilder;
import org.kerbscope.core.model.EvidenceItem;
import org.kerbscope.core.model.Step;

/**
 * {@code eventlog.logon-type-not-granted}: 4625 with STATUS_LOGON_TYPE_NOT_GRANTED (0xC000015B). The credentials
 * were right; the computer's user rights do not let the account log on this way (for a web site: "Access this
 * computer from the network", logon type 3).
 */
public final class LogonTypeNotGrantedCheck extends LogonFailureEventCheck {
    public LogonTypeNotGrantedCheck() {
        super("eventlog.logon-type-not-granted", Step.AUTHORIZED, Map.of("0xc000015b", "the user is not granted this logon type on this computer"));
    }

    /** The user right a logon type needs, and the right that denies it (as secpol.msc names them). */
    static String right(String logonType) {
        return switch (logonType == null ? "" : logonType) {
            case "2", "11" -> "\"Allow log on locally\" (SeInteractiveLogonRight), not \"Deny log on locally\"";
            case "4" -> "\"Log on as a batch job\" (SeBatchLogonRight), not \"Deny log on as a batch job\"";
            case "5" -> "\"Log on as a service\" (SeServiceLogonRight), not \"Deny log on as a service\"";
            case "10" -> "\"Allow log on through Remote Desktop Services\" (SeRemoteInteractiveLogonRight), not its Deny";
            default -> "\"Access this computer from the network\" (SeNetworkLogonRight), not \"Deny access to this"
                    + " computer from the network\"";
        };
    }

    @Override
    void describe(String account, List<EvidenceItem> records, List<String> reasons, FindingBuilder f) {
        Map<?, ?> d = (Map<?, ?>) records.get(0).fields().get("data");
        Object type = d.get("LogonType");
        String computer = records.get(0).string("computer");
        String where = computer != null ? computer : "the server";
        f.title(account + " is not allowed this kind of logon on " + where + " (" + count(records) + ")")
                .explanation("The Security log shows " + count(records) + " of " + account + " refused with"
                        + " STATUS_LOGON_TYPE_NOT_GRANTED (0xC000015B): authentication succeeded, but " + where
                        + "'s user rights do not allow this logon (type " + (type != null ? type : "?") + "). The account,"
                        + " or a group it is in, needs " + right(type != null ? type.toString() : null) + "; a group"
                        + " policy usually sets these rights.")
                .fix("gpresult /h gpresult.html", "secedit /export /areas USER_RIGHTS /cfg user-rights.inf",
                        "whoami /groups");
    }
}
