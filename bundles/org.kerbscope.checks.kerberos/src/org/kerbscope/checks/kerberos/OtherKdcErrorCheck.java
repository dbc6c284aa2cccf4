package org.kerbscope.checks.kerberos;

import java.util.ArrayList;
import java.util.List;

import org.kerbscope.core.flow.FindingBuilder;
import org.kerbscope.core.flow.Flows;
import org.kerbscope.core.model.Analysis;
import org.kerbscope.core.model.Event;
import org.kerbscope.core.model.Step;

/**
 * Raises {@code kerberos.kdc-error}: a KRB-ERROR that no check of its own explains (RFC 4120 section 7.5.9, RFC 4556,
 * RFC 6113, MS-KILE), so that every refusal on the wire is named, placed on its step and given what to look at next.
 * The codes other checks read are left to them ({@link #EXPLAINED}).
 */
public final class OtherKdcErrorCheck extends KdcErrorCheck {

    /**
     * The codes other checks explain: those of every {@link KdcErrorCheck} subclass, 37 (clock skew) and 41 (service
     * key mismatch), but for 31 and 41 from a KDC: see {@link #matches}.
     */
    static final int[] EXPLAINED = explained();

    private static int[] explained() {
        List<KdcErrorCheck> others = List.of(new ClientUnknownCheck(), new SpnUnknownCheck(), new SpnNotUniqueCheck(),
                new DelegationRefusedCheck(), new EtypeCheck(), new ClientRevokedCheck(), new PasswordExpiredCheck(),
                new PreauthFailedCheck(), new PreauthRequiredCheck(), new TicketExpiredCheck(), new ResponseTooBigCheck());
        List<Integer> codes = new ArrayList<>(List.of(37, 41));
        for (KdcErrorCheck c : others) {
            for (int code : c.codes()) {
                codes.add(code);
            }
        }
        return codes.stream().mapToInt(Integer::intValue).distinct().sorted().toArray();
    }

    @Override
    String id() {
        return "kerberos.kdc-error";
    }

    /** None of its own: it reads every code not in {@link #EXPLAINED} (see {@link #errors}). */
    @Override
    int[] codes() {
        return new int[0];
    }

    /** The codes left to other checks whatever sent them: all but 13, 31 and 41 (see {@link #matches}). */
    private static final int[] EXPLAINED_BUT_FROM_A_KDC = java.util.Arrays.stream(EXPLAINED)
            .filter(c -> c != 13 && c != 31 && c != 41).toArray();

    private static final PreauthFailedCheck PREAUTH_FAILED = new PreauthFailedCheck();

    private static final DelegationRefusedCheck DELEGATION_REFUSED = new DelegationRefusedCheck();

    @Override
    List<Event> errors(Analysis a) {
        return Flows.kdcErrorsExcept(a, EXPLAINED_BUT_FROM_A_KDC);
    }

    /**
     * Every error read, but 31 and 41 only from a KDC where no other check takes them: a service's are the service key
     * mismatch's, and a KDC's 31 to an AS-REQ (or with a pre-authentication e-text) is a failed pre-authentication.
     * A KDC's 41 or 31 to a TGS-REQ says it could not read the TGT or its authenticator. A service's 44 or 45 (no key of
     * the ticket's version) in an attempt it rejected is the service key mismatch's too. 13 only where it refused a
     * renewal, a validation, a user-to-user ticket or an AS exchange's options (else a delegation was refused).
     */
    @Override
    boolean matches(Analysis a, Event error) {
        int code = error.integer("errorCode", -1);
        String carrier = error.string("carrier");
        boolean fromKdc = carrier != null && carrier.startsWith("kdc-");
        return switch (code) {
            case 13 -> !DELEGATION_REFUSED.matches(a, error);
            case 31, 41 -> fromKdc && !(code == 31 && PREAUTH_FAILED.matches(a, error));
            case 44, 45 -> fromKdc || Flows.attemptOf(a, error.frame()) < 0;
            default -> true;
        };
    }

    @Override
    void describe(Analysis a, Event e, Event req, FindingBuilder f) {
        int code = e.integer("errorCode", -1);
        String name = e.string("errorName") != null ? e.string("errorName") : "unknown (" + code + ")";
        List<Object> pa = req != null ? req.list("padata") : null;
        boolean pkinit = pa != null && pa.stream().anyMatch(t -> t instanceof Number n && (n.intValue() == 16 || n.intValue() == 14));
        boolean followed = (code == 68 || code == 91) && followedByRequest(a, e);
        KdcRefusals.Refusal r = new KdcRefusals.Refusal(code, name, spn(e, req), user(e, req), e.src().address(), realm(e, req),
                e.get("ntstatus") instanceof Number n ? n.longValue() & 0xffffffffL : null, e.string("ntstatusName"),
                e.string("eText"), e.string("crealm"), isAsExchange(req), pkinit, followed,
                code == 13 ? refusedOption(req) : null);
        KdcRefusals.Meaning m = KdcRefusals.meaning(r);
        f.severity(m.severity()).step(step(e, req)).title(m.title()).explanation(KdcRefusals.why(r, m))
            .fix(m.fix().toArray(String[]::new));
    }

    /** The step the error failed: the AP exchange when a service sent it, else the KDC exchange it answers. */
    private static Step step(Event e, Event req) {
        String carrier = e.string("carrier");
        if (carrier != null && !carrier.startsWith("kdc-")) {
            return Step.AP_EXCHANGE;
        }
        return isAsExchange(req) ? Step.TICKET_REQUEST : Step.TICKET;
    }

    /** Whether the error's receiver sent another Kerberos request after it (to any KDC). */
    private static boolean followedByRequest(Analysis a, Event error) {
        java.util.Map<String, Long> last = a.index("kerberos.lastRequestFrameBySender", () -> {
            java.util.Map<String, Long> m = new java.util.HashMap<>();
            for (Event k : a.events("kerberos")) {
                String t = k.string("msgType");
                if ("AS-REQ".equals(t) || "TGS-REQ".equals(t)) {
                    m.merge(k.src().address(), k.frame(), Math::max);
                }
            }
            return m;
        });
        return last.getOrDefault(error.dst().address(), Long.MIN_VALUE) > error.frame();
    }
}
