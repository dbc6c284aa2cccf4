package org.kerbscope.core.registry;

import org.kerbscope.core.spi.Check;

/** A {@code <check>} contribution: the finding id it raises, the service and step it judges. */
public final class CheckContribution extends Contribution<Check> {
    CheckContribution(ContributionElement e) {
        super(e, Check.class);
    }

    /** The service profile id it concerns, or "*" for all. */
    public String service() {
        String s = element().attribute("service");
        return s != null ? s : "*";
    }

    public String step() {
        return element().attribute("step");
    }
}
