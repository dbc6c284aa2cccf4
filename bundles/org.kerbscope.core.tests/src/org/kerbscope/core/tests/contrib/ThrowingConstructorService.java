package org.kerbscope.core.tests.contrib;

import java.util.List;

import org.kerbscope.core.model.Analysis;
import org.kerbscope.core.model.AuthAttempt;
import org.kerbscope.core.spi.ServiceProfile;

/** A defective plug-in: cannot even be created. */
public final class ThrowingConstructorService implements ServiceProfile {
    public ThrowingConstructorService() {
        throw new IllegalStateException("defect in a test plug-in's constructor");
    }

    @Override
    public List<AuthAttempt> attempts(Analysis analysis, int firstIndex) {
        return List.of();
    }
}
