package org.kerbscope.evidence.windows.evtx;

/**
 * One event record of an .evtx file: its record id, the time the record was written (FILETIME), the chunk it
 * sits in (0-based), and the rendered {@code <Event>} element.
 */
public record EvtxRecord(long recordId, long writtenFiletime, int chunk, XElement event) {
}
