package org.kerbscope.checks.kerberos;

import java.util.List;
import java.util.Set;

import org.kerbscope.core.flow.FindingBuilder;
import org.kerbscope.core.model.EvidenceItem;
import org.kerbscope.core.model.Step;

/**
 * {@code kerberos.client-revoked} from {@code klist get SPN}: the user's own account is locked out (0x775), disabled
 * (0x533) or expired (0x701), so the KDC gives it no tickets.
 */
public final class RevokedKlistCheck extends KlistErrorCheck {
    public RevokedKlistCheck() {
        super("kerberos.client-revoked", Set.of("0x775", "0x533", "0x701"));
    }

    @Override
    void describe(String spn, List<EvidenceItem> records, FindingBuilder f) {
        Object meaning = records.get(0).fields().get("meaning");
        f.step(Step.TICKET_REQUEST).title("The signed-in account cannot get tickets: "
                + (meaning != null ? meaning : "it is disabled, locked out or expired"))
                .explanation("klist could not get a ticket" + (spn != null ? " for " + spn : "") + " because the KDC refuses"
                        + " the account that is signed in (KDC_ERR_CLIENT_REVOKED): it is disabled, locked out (often after"
                        + " repeated bad passwords) or past its expiry date. No SPN or server change helps until the"
                        + " account is usable again.")
                .fix("whoami", "Get-ADUser $env:USERNAME -Properties Enabled,LockedOut,AccountExpirationDate,badPwdCount",
                        "Unlock-ADAccount $env:USERNAME");
    }
}
