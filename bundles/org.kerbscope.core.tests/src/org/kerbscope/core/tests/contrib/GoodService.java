package org.kerbscope.core.tests.contrib;

import java.util.ArrayList;
import java.util.List;

import org.kerbscope.core.model.Analysis;
import org.kerbscope.core.model.AuthAttempt;
import org.kerbscope.core.model.Endpoint;
import org.kerbscope.core.model.Event;
import org.kerbscope.core.spi.ServiceProfile;

/** One attempt per test event. */
public final class GoodService implements ServiceProfile {
    @Override
    public List<AuthAttempt> attempts(Analysis analysis, int firstIndex) {
        List<AuthAttempt> out = new ArrayList<>();
        for (Event e : analysis.events("test")) {
            AuthAttempt a = new AuthAttempt(firstIndex + out.size(), e.src().address(), new Endpoint(e.dst().address(), e.dst().port()), "test-good");
            a.events().add(e);
            out.add(a);
        }
        return out;
    }
}
