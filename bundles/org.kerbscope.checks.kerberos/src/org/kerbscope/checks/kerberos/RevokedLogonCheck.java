package org.kerbscope.checks.kerberos;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.kerbscope.core.flow.FindingBuilder;
import org.kerbscope.core.model.EvidenceItem;
import org.kerbscope.core.model.Step;

/**
 * {@code kerberos.client-revoked} from failed logons (4625/4776) of an account that may not log on: disabled, locked
 * out, expired, or restricted (logon hours, workstations, authentication firewall). The Windows KDC refuses the same
 * conditions with KDC_ERR_CLIENT_REVOKED and the NTSTATUS in its e-data.
 */
public final class RevokedLogonCheck extends LogonFailureEventCheck {
    private static final Map<String, String> REASONS = new LinkedHashMap<>();
    static {
        REASONS.put("0xc0000072", "the account is disabled");
        REASONS.put("0xc0000234", "the account is locked out");
        REASONS.put("0xc0000193", "the account has expired");
        REASONS.put("0xc000006f", "outside the account's logon hours");
        REASONS.put("0xc0000070", "the account may not log on from this workstation");
        REASONS.put("0xc000006e", "an account restriction prevents the logon");
        REASONS.put("0xc0000413", "the authentication firewall of a trust refused it (selective authentication)");
    }

    public RevokedLogonCheck() {
        super("kerberos.client-revoked", Step.AUTHORIZED, REASONS);
    }

    @Override
    void describe(String account, List<EvidenceItem> records, List<String> reasons, FindingBuilder f) {
        String u = user(account);
        f.title((UNNAMED.equals(account) ? "A logon without an account name was refused: " : "The account " + account
                + " may not log on: ") + String.join("; ", reasons))
                .explanation("The Security log shows " + count(records) + " of " + account + " refused: "
                        + String.join("; ", reasons) + ". No password or SPN change helps while the account is in this"
                        + " state; the domain controller refuses its Kerberos tickets too (KDC_ERR_CLIENT_REVOKED). An"
                        + " account restriction (0xC000006E) without more detail is often a member of Protected Users"
                        + " or a logon with an empty password.")
                .fix(fixes(u, reasons));
    }

    /** The commands for the conditions seen: what shows the account's state, then what lifts each condition. */
    private static String[] fixes(String u, List<String> reasons) {
        List<String> out = new java.util.ArrayList<>();
        out.add("Get-ADUser " + u + " -Properties Enabled,LockedOut,AccountExpirationDate,LogonHours,LogonWorkstations");
        String all = String.join(" ", reasons);
        if (all.contains("locked out")) {
            out.add("Unlock-ADAccount " + u);
        }
        if (all.contains("disabled")) {
            out.add("Enable-ADAccount " + u);
        }
        if (all.contains("has expired")) {
            out.add("Clear-ADAccountExpiration " + u);
        }
        if (all.contains("restriction")) {
            out.add("Get-ADGroupMember \"Protected Users\"");
        }
        return out.toArray(String[]::new);
    }
}
