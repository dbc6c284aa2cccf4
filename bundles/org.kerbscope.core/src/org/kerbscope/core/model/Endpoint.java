package org.kerbscope.core.model;

/**
 * An address and port as text, in canonical form ({@code 192.168.2.101}, {@code 2001:db8::1}); port 0 when
 * the transport has none.
 */
public record Endpoint(String address, int port) {

    /*
     * equals and hashCode written out, with the values a record's generated ones give: those run through method
     * handles (java.lang.runtime.ObjectMethods), which only C2 compiles well, and a large capture's reading and first
     * diagnosis compare and hash millions of endpoints (and keys made of them) before C2 gets to them.
     */
    @Override
    public boolean equals(Object o) {
        return o == this || o instanceof Endpoint e && port == e.port && java.util.Objects.equals(address, e.address);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hashCode(address) * 31 + port;
    }

    @Override
    public String toString() {
        return address.indexOf(':') >= 0 ? "[" + address + "]:" + port : address + ":" + port;
    }
}
