package org.kerbscope.core.flow;

import java.util.Objects;

/**
 * Two values as one hash key of the flow indexes: the (sender, receiver) addresses of a Kerberos message, a client and
 * the SPN it asked a ticket for, a client address and the server endpoint of a connection. Each map holds one kind.
 * equals and hashCode are written out, with the values a record's generated ones give (see {@code Endpoint}).
 */
record PairKey(Object first, Object second) {
    @Override
    public boolean equals(Object o) {
        return o == this || o instanceof PairKey k && Objects.equals(first, k.first) && Objects.equals(second, k.second);
    }

    @Override
    public int hashCode() {
        return Objects.hashCode(first) * 31 + Objects.hashCode(second);
    }
}
