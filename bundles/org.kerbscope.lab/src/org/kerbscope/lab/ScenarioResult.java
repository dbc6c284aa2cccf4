package org.kerbscope.lab;

import java.nio.file.Path;
import java.util.List;

/**
 * What one scenario run produced: the capture and the keytabs beside it, and what the browser and the web site
 * reported while it ran.
 *
 * @param capture the pcapng written
 * @param keytab every key of the lab KDC (decrypts tickets, AS-REP and authenticators in the capture)
 * @param serverKeytab the web site's own keytab when it differs from the KDC's keys (stale-keytab), else null
 * @param frames frames in the capture
 * @param clientResult how the browser ended ({@code kerberos}, {@code ntlm-fallback}, {@code unauthorized}, …)
 * @param clientDetail the browser's one-line explanation of that end
 * @param clientSteps the browser's steps, in order
 * @param serverEvents the web site's authentication decisions, in order
 * @param millis how long the run took
 */
public record ScenarioResult(Scenario scenario, Path capture, Path keytab, Path serverKeytab, long frames, String clientResult,
        String clientDetail, List<String> clientSteps, List<String> serverEvents, long millis) {

    /** True when the browser ended as the scenario says it must. */
    public boolean asExpected() {
        return scenario.clientResult().equals(clientResult);
    }

    /** The scenario's story followed by what this run did, step by step. */
    public String story() {
        StringBuilder sb = new StringBuilder(scenario.story()).append('\n');
        for (String s : clientSteps) {
            sb.append("  client: ").append(s).append('\n');
        }
        for (String s : serverEvents) {
            sb.append("  web server: ").append(s).append('\n');
        }
        sb.append("  result: ").append(clientResult).append(' ').append(clientDetail).append('\n');
        return sb.toString();
    }
}
