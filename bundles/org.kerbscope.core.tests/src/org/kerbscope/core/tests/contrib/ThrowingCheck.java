package org.kerbscope.core.tests.contrib;

import org.kerbscope.core.model.Analysis;
import org.kerbscope.core.spi.Check;
import org.kerbscope.core.spi.FindingSink;

/** A defective plug-in: throws while it runs. */
public final class ThrowingCheck implements Check {
    @Override
    public void run(Analysis analysis, FindingSink sink) {
        throw new IllegalStateException("defect in a test check");
    }
}
