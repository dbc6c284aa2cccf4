package org.kerbscope.core.model;

/**
 * A TCP connection fact: {@code SYN}, {@code SYN-ACK}, {@code RST}, {@code FIN}, from src to dst at a frame.
 */
public record TcpEvent(long frame, long timeNanos, String kind, Endpoint src, Endpoint dst) {
}
