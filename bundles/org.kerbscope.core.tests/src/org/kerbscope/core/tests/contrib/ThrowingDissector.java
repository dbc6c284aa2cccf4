package org.kerbscope.core.tests.contrib;

import org.kerbscope.core.spi.DissectionContext;
import org.kerbscope.core.spi.Dissector;
import org.kerbscope.core.spi.Pdu;

/** A defective plug-in: throws on every PDU. */
public final class ThrowingDissector implements Dissector {
    @Override
    public void dissect(Pdu pdu, DissectionContext ctx) {
        throw new IllegalStateException("defect in a test plug-in");
    }
}
