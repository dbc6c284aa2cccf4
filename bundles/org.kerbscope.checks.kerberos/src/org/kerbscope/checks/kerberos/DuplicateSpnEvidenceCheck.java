package org.kerbscope.checks.kerberos;

import java.util.List;

import org.kerbscope.core.flow.FindingBuilder;
import org.kerbscope.core.model.Analysis;
import org.kerbscope.core.model.EvidenceItem;
import org.kerbscope.core.model.Step;
import org.kerbscope.core.spi.Check;
import org.kerbscope.core.spi.FindingSink;

/**
 * {@code kerberos.spn-not-unique} from {@code setspn -X} (or -Q) output: an SPN registered on more than one account,
 * which makes the KDC refuse the ticket (KRB-ERROR 8) or encrypt it for the wrong account.
 */
public final class DuplicateSpnEvidenceCheck implements Check {

    @Override
    public void run(Analysis a, FindingSink sink) {
        java.util.Set<String> done = new java.util.HashSet<>();
        for (EvidenceItem ev : a.evidence("spns")) {
            String spn = ev.string("spn");
            List<Object> accounts = ev.fields().get("accounts") instanceof List<?> l ? List.copyOf(l) : List.of();
            boolean duplicate = Boolean.TRUE.equals(ev.fields().get("duplicate")) || accounts.size() > 1;
            if (spn == null || !duplicate || !done.add(spn.toLowerCase(java.util.Locale.ROOT))) {
                continue;
            }
            sink.report(new FindingBuilder("kerberos.spn-not-unique").step(Step.TICKET)
                    .file(ev.file(), "setspn: " + spn + " is registered on " + accounts)
                    .title("The service principal " + spn + " is registered on " + accounts.size() + " accounts")
                    .explanation("setspn shows " + spn + " on " + accounts + ". The KDC cannot tell whose key encrypts the"
                            + " ticket: it refuses with KDC_ERR_PRINCIPAL_NOT_UNIQUE (8), or the service gets a ticket for"
                            + " another account's key and answers 401. Keep the SPN only on the account the service runs as.")
                    .fix("setspn -X", "setspn -Q " + spn, "setspn -D " + spn + " <DOMAIN\\account-that-should-not-have-it>", "klist purge")
                    .build());
        }
    }
}
