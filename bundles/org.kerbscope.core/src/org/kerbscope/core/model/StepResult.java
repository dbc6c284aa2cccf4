package org.kerbscope.core.model;

import java.util.List;

/** One step of an attempt: its status, the frames that show it, and a one-line note for the user. */
public record StepResult(Step step, StepStatus status, List<Long> frames, String note) {
    /** How the note of a step that was not seen because TLS encrypted it begins (HTTPS, LDAPS). */
    public static final String ENCRYPTED = "encrypted (TLS)";

    public StepResult {
        frames = List.copyOf(frames);
    }

    /** Not seen because the connection was encrypted: its note begins with {@link #ENCRYPTED}. */
    public boolean encrypted() {
        return status == StepStatus.NOT_SEEN && note != null && note.startsWith(ENCRYPTED);
    }
}
