package org.kerbscope.core.spi;

import java.util.List;

import org.kerbscope.core.model.Analysis;
import org.kerbscope.core.model.AuthAttempt;

/**
 * A service that authenticates with Kerberos/Negotiate (web sites, file servers, directories): how its events map to the
 * generic steps. Contributed through {@code org.kerbscope.core.services} with its SPN class and ports.
 */
public interface ServiceProfile {
    /**
     * Finds this service's attempts in the analysis (one per client → service) and fills their steps.
     *
     * @param firstIndex the index to give the first attempt returned (attempts are numbered across services)
     */
    List<AuthAttempt> attempts(Analysis analysis, int firstIndex);
}
