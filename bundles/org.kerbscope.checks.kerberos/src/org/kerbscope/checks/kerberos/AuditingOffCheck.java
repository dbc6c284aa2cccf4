package org.kerbscope.checks.kerberos;

import org.kerbscope.core.flow.FindingBuilder;
import org.kerbscope.core.model.Analysis;
import org.kerbscope.core.model.EvidenceItem;
import org.kerbscope.core.model.Severity;
import org.kerbscope.core.model.Step;
import org.kerbscope.core.spi.Check;
import org.kerbscope.core.spi.FindingSink;

/**
 * {@code eventlog.logon-auditing-off}: {@code auditpol /get /subcategory:"Logon"} says Success and/or Failure are
 * not audited, so the Security log cannot show the 4624/4625 events the guide asks for.
 */
public final class AuditingOffCheck implements Check {

    @Override
    public void run(Analysis a, FindingSink sink) {
        for (EvidenceItem ev : a.evidence("audit")) {
            String sub = ev.string("subcategory");
            String setting = ev.string("setting");
            if (sub == null || setting == null || !sub.toLowerCase().startsWith("logon")
                    || setting.equalsIgnoreCase("Success and Failure")) {
                continue;
            }
            String missing = setting.equalsIgnoreCase("Success") ? "4625 (failed logons)"
                    : setting.equalsIgnoreCase("Failure") ? "4624 (successful logons)" : "4624 and 4625";
            sink.report(new FindingBuilder("eventlog.logon-auditing-off").severity(Severity.WARNING).step(Step.AUTHORIZED)
                    .file(ev.file(), "auditpol: " + sub + " = " + setting)
                    .title("Logon auditing is not fully on (" + setting + "): events " + missing + " are not logged")
                    .explanation("The guide's check of the Security event log needs Logon Success and Failure auditing. With"
                            + " \"" + setting + "\" the server does not log " + missing + ", so their absence says nothing about"
                            + " the authentication. Turn both on, then repeat the test.")
                    .fix("auditpol /set /subcategory:\"Logon\" /Success:enable /Failure:enable", "auditpol /get /subcategory:\"Logon\"")
                    .build());
        }
    }
}
