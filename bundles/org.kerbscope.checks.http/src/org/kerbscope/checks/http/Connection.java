package org.kerbscope.checks.http;

import java.util.Objects;

import org.kerbscope.core.model.Endpoint;

/** One TCP connection, client → server: the key the HTTP checks pair requests and answers by. */
record Connection(Endpoint client, Endpoint server) {
    @Override
    public boolean equals(Object o) { // as the record's, without method handles (see Endpoint)
        return o == this || o instanceof Connection k && Objects.equals(client, k.client) && Objects.equals(server, k.server);
    }

    @Override
    public int hashCode() {
        return Objects.hashCode(client) * 31 + Objects.hashCode(server);
    }
}
