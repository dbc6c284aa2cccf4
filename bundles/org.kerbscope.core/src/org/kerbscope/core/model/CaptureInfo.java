package org.kerbscope.core.model;

/** What was read: the file as the user named it, its format, the frame count and the time span. */
public record CaptureInfo(String file, String format, long frames, long startNanos, long endNanos) {
}
