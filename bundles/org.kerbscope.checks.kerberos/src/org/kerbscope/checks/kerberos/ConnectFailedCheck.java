package org.kerbscope.checks.kerberos;

import org.kerbscope.core.flow.FindingBuilder;
import org.kerbscope.core.model.Analysis;
import org.kerbscope.core.model.AuthAttempt;
import org.kerbscope.core.model.EvidenceItem;
import org.kerbscope.core.model.Step;
import org.kerbscope.core.model.StepResult;
import org.kerbscope.core.model.StepStatus;
import org.kerbscope.core.spi.Check;
import org.kerbscope.core.spi.FindingSink;

/** {@code tcp.connect-failed}: an attempt whose connect step failed (SYN without SYN/ACK, or RST). */
public final class ConnectFailedCheck implements Check {

    @Override
    public void run(Analysis a, FindingSink sink) {
        for (AuthAttempt at : a.attempts()) {
            StepResult c = at.step(Step.CONNECT);
            if (c == null || c.status() != StepStatus.FAILED) {
                continue;
            }
            FindingBuilder f = new FindingBuilder("tcp.connect-failed").step(Step.CONNECT).attempt(at.index());
            for (Long fr : c.frames()) {
                f.frame(fr, fr.equals(c.frames().get(0)) ? "SYN from " + at.client() + " to " + at.server() : c.note());
            }
            for (EvidenceItem ev : a.evidence("portTests")) {
                if (Boolean.FALSE.equals(ev.fields().get("succeeded"))) {
                    f.file(ev.file(), "Test-NetConnection to " + ev.string("computer") + " port " + ev.string("port") + " failed");
                }
            }
            String target = at.host() != null ? at.host() : at.server().address();
            sink.report(f.title("The client cannot connect to " + at.server())
                    .explanation("Step 2 failed: " + c.note() + ". Authentication never starts without a connection. Check"
                            + " that the service runs and listens on port " + at.server().port() + ", and that no firewall"
                            + " between client and server blocks it.")
                    .fix("Test-NetConnection -Port " + at.server().port() + " " + target,
                            "netstat -ano | findstr :" + at.server().port(), "Get-Service W3SVC")
                    .build());
        }
    }
}
