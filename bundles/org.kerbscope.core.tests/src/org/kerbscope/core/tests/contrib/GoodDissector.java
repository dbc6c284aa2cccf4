package org.kerbscope.core.tests.contrib;

import java.util.Map;

import org.kerbscope.core.spi.DissectionContext;
import org.kerbscope.core.spi.Dissector;
import org.kerbscope.core.spi.Pdu;

/** Emits a "test" event with the payload length for every datagram on its port. */
public final class GoodDissector implements Dissector {
    @Override
    public void dissect(Pdu pdu, DissectionContext ctx) {
        ctx.emit("test", Map.of("length", pdu.length(), "transport", ctx.transport()));
    }
}
