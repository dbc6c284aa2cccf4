package org.kerbscope.capture.live;

import java.util.List;

/**
 * A network interface live capture can open.
 *
 * @param name        what to pass to {@link LiveCapture#start} ({@code eth0}, {@code \Device\NPF_{…}})
 * @param description the driver's description, or empty
 * @param addresses   its IP addresses as text
 */
public record CaptureInterface(String name, String description, List<String> addresses, boolean loopback,
        boolean up) {

    /** What a user picks from: the description when there is one, then the addresses. */
    public String label() {
        String d = description == null || description.isBlank() ? name : description + " (" + name + ")";
        return addresses.isEmpty() ? d : d + " " + String.join(", ", addresses);
    }
}
