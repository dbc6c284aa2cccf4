package org.kerbscope.core.model;

/** How a step of an attempt ended. */
public enum StepStatus {
    OK("ok"), FAILED("failed"), NOT_SEEN("not-seen"), NOT_APPLICABLE("not-applicable");

    private final String id;

    StepStatus(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }
}
