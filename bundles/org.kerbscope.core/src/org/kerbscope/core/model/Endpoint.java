package org.kerbscope.core.model;

/**
 * An address and port as text, in canonical form ({@code 192.168.2.101}, {@code 2001:db8::1}); port 0 when
 * the transport has none.
 */
public record Endpoint(String address, int port) {

    @Override
    public String toString() {
        return address.indexOf(':') >= 0 ? "[" + address + "]:" + port : address + ":" + port;
    }
}
