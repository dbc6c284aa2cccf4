package org.kerbscope.dissect.dns.tests;

import org.kerbscope.core.model.Endpoint;
import org.kerbscope.core.spi.Dissector;
import org.kerbscope.testing.RecordingContext;

/** The shared stream driver between a client and a DNS server on port 53. */
final class StreamDriver extends org.kerbscope.testing.StreamDriver {
    static final Endpoint CLIENT = new Endpoint("192.0.2.10", 50000);
    static final Endpoint SERVER = new Endpoint("192.0.2.53", 53);

    StreamDriver(Dissector dissector) {
        this(dissector, new RecordingContext());
    }

    StreamDriver(Dissector dissector, RecordingContext ctx) {
        super(dissector, "dns", CLIENT, SERVER, ctx);
    }
}
