package org.kerbscope.capture.live;

import org.kerbscope.core.model.Frame;

/** Told of each frame as it is recorded; called on the capture thread, so it must return quickly. */
public interface LiveCaptureListener {

    /** A frame that has just been written to the file; its data is a private read-only copy. */
    void frame(Frame frame);

    /** The capture ended: by {@link LiveCapture#stop()} ({@code error} null) or by a failure. */
    default void stopped(Exception error) {
    }
}
