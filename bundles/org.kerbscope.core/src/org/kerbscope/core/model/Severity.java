package org.kerbscope.core.model;

/** How much a finding matters, in the order a user sorts them. */
public enum Severity {
    ERROR, WARNING, INFO;

    public String id() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
