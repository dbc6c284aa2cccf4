package org.kerbscope.capture.live;

/** Live capture could not start or went wrong; the message is a sentence for the user. */
public class LiveCaptureException extends Exception {
    private static final long serialVersionUID = 1L;

    public LiveCaptureException(String message, Throwable cause) {
        super(message, cause);
    }
}
