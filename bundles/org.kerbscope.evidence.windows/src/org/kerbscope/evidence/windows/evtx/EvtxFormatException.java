package org.kerbscope.evidence.windows.evtx;

/** The bytes of a record or template do not follow the EVTX / Binary XML structure. */
public final class EvtxFormatException extends Exception {
    private static final long serialVersionUID = 1L;

    public EvtxFormatException(String message) {
        super(message);
    }
}
