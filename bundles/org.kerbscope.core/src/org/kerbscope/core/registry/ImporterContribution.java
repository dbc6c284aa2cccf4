package org.kerbscope.core.registry;

import java.util.List;

import org.kerbscope.core.spi.EvidenceImporter;

/** An {@code <importer>} contribution: the kind of evidence it reads and its file name patterns. */
public final class ImporterContribution extends Contribution<EvidenceImporter> {
    ImporterContribution(ContributionElement e) {
        super(e, EvidenceImporter.class);
    }

    /** eventlog, klist, dns, port-test, setspn, web-request, auditpol, … */
    public String kind() {
        return element().attribute("kind");
    }

    public List<String> patterns() {
        String p = element().attribute("patterns");
        return p == null ? List.of() : List.of(p.split("[,\\s]+"));
    }
}
