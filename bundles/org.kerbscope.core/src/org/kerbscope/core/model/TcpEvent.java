package org.kerbscope.core.model;

/**
 * A TCP connection fact: {@code SYN}, {@code SYN-ACK}, {@code RST}, {@code FIN}, from src to dst at a frame; or an ICMP
 * "destination unreachable" for a UDP datagram or TCP segment from src to dst, whose kind is {@code ICMP } and the
 * reason ("ICMP port unreachable", "ICMP administratively prohibited" …): src and dst are then the refused packet's.
 */
public record TcpEvent(long frame, long timeNanos, String kind, Endpoint src, Endpoint dst) {
}
