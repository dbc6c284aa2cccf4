package org.kerbscope.core.model;

import java.util.List;

/**
 * A diagnosis: what broke, at which step, why in the guide's terms, which frames (or evidence lines) show it,
 * and the commands that fix it, filled with the real names.
 *
 * @param id          stable id such as {@code kerberos.spn-unknown} (tests, reports and users key on it)
 * @param attempt     index of the attempt in {@link Analysis#attempts()}, or -1 when it concerns none
 */
public record Finding(String id, Severity severity, Step step, int attempt, String title, String explanation,
        List<Evidence> evidence, List<String> remediation) {

    public Finding {
        evidence = List.copyOf(evidence);
        remediation = List.copyOf(remediation);
    }

    /**
     * One piece of evidence: a frame of the capture (frame &gt; 0), or a line/record of an outside file
     * (file non-null).
     */
    public record Evidence(long frame, String file, String what) {
        public static Evidence frame(long frame, String what) {
            return new Evidence(frame, null, what);
        }

        public static Evidence file(String file, String what) {
            return new Evidence(0, file, what);
        }
    }
}
