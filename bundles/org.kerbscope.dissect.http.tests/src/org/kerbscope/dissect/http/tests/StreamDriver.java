package org.kerbscope.dissect.http.tests;

import org.kerbscope.core.model.Endpoint;
import org.kerbscope.core.spi.Dissector;
import org.kerbscope.testing.RecordingContext;

/** The shared stream driver between a client and a HTTP server on port 80. */
final class StreamDriver extends org.kerbscope.testing.StreamDriver {
    static final Endpoint CLIENT = new Endpoint("192.0.2.10", 50000);
    static final Endpoint SERVER = new Endpoint("192.0.2.80", 80);

    StreamDriver(Dissector dissector) {
        this(dissector, new RecordingContext());
    }

    StreamDriver(Dissector dissector, RecordingContext ctx) {
        super(dissector, "http", CLIENT, SERVER, ctx);
    }
}
