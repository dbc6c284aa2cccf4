package org.kerbscope.core.model;

/** How an attempt ended as a whole. */
public enum Outcome {
    KERBEROS("kerberos"), NTLM_FALLBACK("ntlm-fallback"), FAILED("failed"), INCOMPLETE("incomplete");

    private final String id;

    Outcome(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }
}
