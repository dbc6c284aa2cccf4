package org.kerbscope.checks.kerberos;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.ArrayList;
import java.util.Map;

import org.kerbscope.core.flow.FindingBuilder;
import org.kerbscope.core.model.Analysis;
import org.kerbscope.core.model.EvidenceItem;
import org.kerbscope.core.model.Step;
import org.kerbscope.core.spi.Check;
import org.kerbscope.core.spi.FindingSink;

/**
 * {@code kerberos.preauth-failed} from the domain controller's Security log: 4771 with failure code 0x18 (and
 * 4768/4771 0x18), one finding per account, with how many failures and from where.
 */
public final class PreauthBurstCheck implements Check {

    @Override
    public void run(Analysis a, FindingSink sink) {
        Map<String, List<EvidenceItem>> byUser = new LinkedHashMap<>();
        for (EvidenceItem ev : EventFields.kerberosFailures(a, "0x18")) {
            if (ev.fields().get("data") instanceof Map<?, ?> d && ev.fields().get("eventId") instanceof Number id
                    && (id.intValue() == 4771 || id.intValue() == 4768)) {
                byUser.computeIfAbsent(String.valueOf(d.get("TargetUserName")), k -> new ArrayList<>()).add(ev);
            }
        }
        if (byUser.size() > ManyAccounts.MANY) {
            FindingBuilder f = new FindingBuilder("kerberos.preauth-failed").step(Step.TICKET_REQUEST);
            ManyAccounts.cite(f, ManyAccounts.cited(byUser), PreauthBurstCheck::line);
            sink.report(f.title("Pre-authentication failed for " + byUser.size() + " accounts ("
                    + ManyAccounts.records(byUser) + " times)")
                    .explanation(ManyAccounts.explanation("KDC_ERR_PREAUTH_FAILED (0x18, a wrong password)", "accounts", byUser,
                            ManyAccounts::source))
                    .fix("Get-ADUser -Filter * -Properties badPwdCount,LastBadPasswordAttempt | Where-Object badPwdCount -gt 0",
                            "Get-WinEvent -FilterHashtable @{LogName='Security';Id=4771}")
                    .build());
            return;
        }
        for (Map.Entry<String, List<EvidenceItem>> en : byUser.entrySet()) {
            FindingBuilder f = new FindingBuilder("kerberos.preauth-failed").step(Step.TICKET_REQUEST);
            ManyAccounts.cite(f, en.getValue().subList(0, Math.min(ManyAccounts.CITED, en.getValue().size())),
                    PreauthBurstCheck::line);
            int n = en.getValue().size();
            sink.report(f.title("Pre-authentication failed for " + en.getKey() + " (" + n + (n == 1 ? " time)" : " times)"))
                    .explanation("The domain controller logged " + n + " Kerberos pre-authentication failure" + (n == 1 ? "" : "s")
                            + " (0x18, KDC_ERR_PREAUTH_FAILED) for " + en.getKey() + ": a wrong password"
                            + (n >= 5 ? ". A burst like this is either stale credentials retried by a device or service, or a"
                                    + " password-guessing attack; it also locks the account out" : "") + ".")
                    .fix("Get-ADUser " + en.getKey() + " -Properties badPwdCount,lockedOut,LastBadPasswordAttempt",
                            "Get-WinEvent -FilterHashtable @{LogName='Security';Id=4771} | Where-Object { $_.Message -match '" + en.getKey() + "' }",
                            "klist purge")
                    .build());
        }
    }

    private static String line(EvidenceItem ev) {
        Map<?, ?> d = (Map<?, ?>) ev.fields().get("data");
        return "event " + ev.fields().get("eventId") + " record " + ev.fields().get("recordId") + " at " + ev.string("time")
                + ": pre-authentication failed (0x18) for " + d.get("TargetUserName") + " from " + d.get("IpAddress");
    }
}
