package org.kerbscope.ui.editors;

/**
 * One row of the packet list, as shown: what the Properties view lists for a selected frame.
 *
 * @param number      the frame number (1-based, as in Wireshark)
 * @param time        seconds since the first frame
 * @param arrival     the absolute capture time (UTC)
 * @param source      the sender's address (of the innermost IP packet when no dissector read the frame), or empty
 *                    when the frame carries no IP
 * @param length      the length on the wire
 */
public record FrameSummary(long number, String time, String arrival, String source, String destination, String protocol,
        int length, String info) {

    /** The cells of the packet list's columns. */
    String[] cells() {
        return new String[] {Long.toString(number), time, source, destination, protocol, Integer.toString(length), info};
    }
}
