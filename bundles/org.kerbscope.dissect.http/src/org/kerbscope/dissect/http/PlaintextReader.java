package org.kerbscope.dissect.http;

import org.kerbscope.core.model.FieldNode;
import org.kerbscope.core.spi.DissectionContext;

/** What reads one direction's decrypted TLS application data: HTTP/1.x ({@link TlsPlaintext}) or HTTP/2. */
interface PlaintextReader {
    /** Puts one record's plaintext after the direction's earlier ones, and reads what is now complete. */
    void feed(byte[] data, DissectionContext ctx, FieldNode node);
}
