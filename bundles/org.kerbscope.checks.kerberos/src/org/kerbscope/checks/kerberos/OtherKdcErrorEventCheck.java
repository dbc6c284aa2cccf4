package org.kerbscope.checks.kerberos;

import java.util.List;
import java.util.Map;
import java.util.Set;

import org.kerbscope.core.flow.FindingBuilder;
import org.kerbscope.core.model.Analysis;
import org.kerbscope.core.model.EvidenceItem;
import org.kerbscope.core.model.Step;
import org.kerbscope.core.spi.Check;
import org.kerbscope.core.spi.FindingSink;
import org.kerbscope.dissect.kerberos.KerberosNames;

/**
 * Raises {@code kerberos.kdc-error} from a domain controller's Security log: Kerberos events (4768 and 4771 for
 * ticket-granting tickets, by account; 4769 for service tickets, by the service asked for) whose failure code no check
 * of its own reads, explained as {@link OtherKdcErrorCheck} explains the same code on the wire.
 */
public final class OtherKdcErrorEventCheck implements Check {

    /**
     * The failure codes of 4768 and 4771 that other checks read (0x6, 0xE, 0x12, 0x17, 0x18, 0x25) or that are routine:
     * 0x19, pre-authentication required, the first answer to most logons.
     */
    static final Set<Long> EXPLAINED_TGT = Set.of(0x6L, 0xEL, 0x12L, 0x17L, 0x18L, 0x19L, 0x25L);

    /**
     * The failure codes of 4769 that other checks read (0x6, 0x7, 0x8, 0xD, 0xE, 0x12, 0x25), 0x17 (left to the TGT's
     * events, see {@link EventStatusCheck.Scope#TGT_ACCOUNTS}) and the routine 0x20: an expired ticket the client renews.
     */
    static final Set<Long> EXPLAINED_SERVICE = Set.of(0x6L, 0x7L, 0x8L, 0xDL, 0xEL, 0x12L, 0x17L, 0x20L, 0x25L);

    @Override
    public void run(Analysis a, FindingSink sink) {
        for (long code : EventFields.kerberosFailureCodes(a)) {
            if (code < 0 || code > Integer.MAX_VALUE) {
                continue;
            }
            String name = KerberosNames.error((int) code);
            for (EventStatusCheck.Scope scope : List.of(EventStatusCheck.Scope.TGT_ACCOUNTS, EventStatusCheck.Scope.SERVICES)) {
                boolean services = scope == EventStatusCheck.Scope.SERVICES;
                if ((services ? EXPLAINED_SERVICE : EXPLAINED_TGT).contains(code)) {
                    continue;
                }
                new EventStatusCheck("kerberos.kdc-error", "0x" + Long.toHexString(code), name,
                        services ? Step.TICKET : Step.TICKET_REQUEST, scope) {
                    @Override
                    void describe(String account, List<EvidenceItem> records, FindingBuilder f) {
                        EvidenceItem first = records.get(0);
                        Map<?, ?> d = first.fields().get("data") instanceof Map<?, ?> m ? m : Map.of();
                        String realm = named(d, "TargetDomainName", null);
                        String user = services ? named(d, "TargetUserName", null) : account;
                        String spn = services ? account : realm != null ? "krbtgt/" + realm : null;
                        String dc = first.string("computer") != null ? first.string("computer") : "<domain controller>";
                        KdcRefusals.Refusal r = new KdcRefusals.Refusal((int) code, name, spn, user, dc, realm, null, null,
                                null, null, !services, false, true, code == 0xD && !services ? "as" : null);
                        KdcRefusals.Meaning m = KdcRefusals.meaning(r);
                        f.severity(m.severity()).title(m.title())
                            .explanation("The domain controller's Security log shows " + records.size()
                                + (records.size() == 1 ? " refusal " : " refusals ") + KdcRefusals.why(r, m))
                            .fix(m.fix().toArray(String[]::new));
                    }
                }.run(a, sink);
            }
        }
    }
}
