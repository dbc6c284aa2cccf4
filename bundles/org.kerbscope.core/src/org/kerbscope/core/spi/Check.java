package org.kerbscope.core.spi;

import org.kerbscope.core.model.Analysis;

/**
 * Reads a finished {@link Analysis} (events, attempts, evidence) and reports {@code Finding}s. Contributed
 * through {@code org.kerbscope.core.checks} with the finding id it raises, the service it concerns and the
 * step it judges. A check must not change the analysis; it only adds findings through the sink.
 */
public interface Check {
    void run(Analysis analysis, FindingSink sink);
}
