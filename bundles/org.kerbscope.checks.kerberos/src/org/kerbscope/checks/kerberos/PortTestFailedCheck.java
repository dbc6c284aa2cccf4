package org.kerbscope.checks.kerberos;

import org.kerbscope.core.flow.FindingBuilder;
import org.kerbscope.core.model.Analysis;
import org.kerbscope.core.model.EvidenceItem;
import org.kerbscope.core.model.Step;
import org.kerbscope.core.model.StepStatus;
import org.kerbscope.core.spi.Check;
import org.kerbscope.core.spi.FindingSink;

/**
 * {@code tcp.connect-failed} from {@code Test-NetConnection} output alone (when no attempt in a capture already
 * reports the failed connect): the service port could not be reached.
 */
public final class PortTestFailedCheck implements Check {

    @Override
    public void run(Analysis a, FindingSink sink) {
        boolean inCapture = a.attempts().stream().anyMatch(at -> at.step(Step.CONNECT) != null
                && at.step(Step.CONNECT).status() == StepStatus.FAILED);
        if (inCapture) {
            return;
        }
        for (EvidenceItem ev : a.evidence("portTests")) {
            if (!Boolean.FALSE.equals(ev.fields().get("succeeded"))) {
                continue;
            }
            String target = ev.string("computer") != null ? ev.string("computer") : ev.string("address");
            String port = ev.string("port") != null ? ev.string("port") : "<port>";
            sink.report(new FindingBuilder("tcp.connect-failed").step(Step.CONNECT)
                    .file(ev.file(), "Test-NetConnection " + target + " port " + port + ": TcpTestSucceeded False")
                    .title("The client cannot connect to " + target + " on port " + port)
                    .explanation("Test-NetConnection could not open TCP port " + port + " on " + target + ". Step 2 of the flow fails"
                            + " before any authentication: the service is stopped, listens elsewhere, or a firewall drops the"
                            + " connection.")
                    .fix("Test-NetConnection -Port " + port + " " + target, "netstat -ano | findstr :" + port,
                            "Get-NetFirewallRule -Direction Inbound -Enabled True | Where-Object { $_.LocalPort -eq " + port + " }")
                    .build());
        }
    }
}
