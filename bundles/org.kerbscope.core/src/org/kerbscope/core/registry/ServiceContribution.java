package org.kerbscope.core.registry;

import java.util.ArrayList;
import java.util.List;

import org.kerbscope.core.spi.ServiceProfile;

/** A {@code <service>} contribution: SPN class and ports of a service that authenticates with Negotiate. */
public final class ServiceContribution extends Contribution<ServiceProfile> {
    ServiceContribution(ContributionElement e) {
        super(e, ServiceProfile.class);
    }

    public String spnClass() {
        return element().attribute("spnClass");
    }

    public List<Integer> ports() {
        List<Integer> out = new ArrayList<>();
        String p = element().attribute("ports");
        if (p != null) {
            for (String s : p.split("[,\\s]+")) {
                try {
                    out.add(Integer.parseInt(s.trim()));
                } catch (NumberFormatException e) {
                    // a bad port number in a plugin.xml is that plug-in's mistake; the others still count
                }
            }
        }
        return out;
    }
}
