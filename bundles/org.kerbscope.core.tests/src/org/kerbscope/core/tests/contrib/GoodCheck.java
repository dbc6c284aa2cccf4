package org.kerbscope.core.tests.contrib;

import java.util.List;

import org.kerbscope.core.model.Analysis;
import org.kerbscope.core.model.AuthAttempt;
import org.kerbscope.core.model.Finding;
import org.kerbscope.core.model.Severity;
import org.kerbscope.core.spi.Check;
import org.kerbscope.core.spi.FindingSink;

/** One info finding per test attempt. */
public final class GoodCheck implements Check {
    @Override
    public void run(Analysis analysis, FindingSink sink) {
        for (AuthAttempt a : analysis.attempts()) {
            if ("test-good".equals(a.service())) {
                sink.report(new Finding("test.good", Severity.INFO, null, a.index(), "test attempt seen", "", List.of(
                        Finding.Evidence.frame(a.events().get(0).frame(), "test event")), List.of()));
            }
        }
    }
}
