package org.kerbscope.core.model;

import java.util.List;

/** One step of an attempt: its status, the frames that show it, and a one-line note for the user. */
public record StepResult(Step step, StepStatus status, List<Long> frames, String note) {
    public StepResult {
        frames = List.copyOf(frames);
    }
}
