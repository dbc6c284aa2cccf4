package org.kerbscope.core.model;

/**
 * Something in the input that could not be read as its protocol or format says: a malformed PDU, a damaged
 * block, an unparseable evidence line. Frame (or line) 0 when it concerns the whole input.
 */
public record Diagnostic(long frame, String protocol, String message) {
}
