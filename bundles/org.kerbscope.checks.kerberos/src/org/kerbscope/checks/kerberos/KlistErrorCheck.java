package org.kerbscope.checks.kerberos;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.kerbscope.core.flow.FindingBuilder;
import org.kerbscope.core.model.Analysis;
import org.kerbscope.core.model.EvidenceItem;
import org.kerbscope.core.spi.Check;
import org.kerbscope.core.spi.FindingSink;

/**
 * A finding raised from {@code klist get SPN} failing on the client (step 5 of the guide asks for klist): the
 * Win32 or SSPI error Windows prints ("Error calling API LsaCallAuthenticationPackage (GetTicket substatus):
 * 0x6fb") says why the client got no ticket. Each subclass takes the errors of one condition; one finding per
 * requested SPN.
 */
abstract class KlistErrorCheck implements Check {

    private final String id;
    private final Set<String> errors;

    /** @param errors the errors this check reports, as klist prints them in lower case (0x6fb, 0x80090303) */
    KlistErrorCheck(String id, Set<String> errors) {
        this.id = id;
        this.errors = errors;
    }

    final String id() {
        return id;
    }

    final Set<String> errors() {
        return errors;
    }

    /** Title, explanation, step and fix for the SPN the client asked for (null when the output does not say). */
    abstract void describe(String spn, List<EvidenceItem> records, FindingBuilder f);

    @Override
    public void run(Analysis a, FindingSink sink) {
        Map<String, List<EvidenceItem>> bySpn = new LinkedHashMap<>();
        for (EvidenceItem ev : a.evidence("tickets")) {
            Object error = ev.fields().get("error");
            if (error != null && errors().contains(normal(error.toString()))) {
                Object spn = ev.fields().get("spn");
                bySpn.computeIfAbsent(spn != null ? spn.toString() : "", k -> new ArrayList<>()).add(ev);
            }
        }
        for (Map.Entry<String, List<EvidenceItem>> en : bySpn.entrySet()) {
            FindingBuilder f = new FindingBuilder(id());
            for (EvidenceItem ev : en.getValue()) {
                Object meaning = ev.fields().get("meaning");
                f.file(ev.file(), "klist get " + (en.getKey().isEmpty() ? "" : en.getKey() + " ") + "failed with "
                        + ev.fields().get("error") + (ev.fields().get("errorName") != null ? " " + ev.fields().get("errorName") : "")
                        + (meaning != null ? ": " + meaning : ""));
            }
            describe(en.getKey().isEmpty() ? null : en.getKey(), en.getValue(), f);
            sink.report(f.build());
        }
    }

    /** 0x000006FB → 0x6fb: the number, as the error table writes it. */
    static String normal(String code) {
        String hex = EventFields.hex(code);
        return hex != null ? hex : code.trim().toLowerCase(Locale.ROOT);
    }
}
