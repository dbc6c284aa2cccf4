/**
 * Capture files: format detection by content, memory-mapped streaming readers for pcap, pcapng and
 * Network Monitor 2.x, a compact {@link org.kerbscope.capture.FrameIndex} for random access, and a small
 * pcapng writer. Nothing here touches libpcap; live capture lives in {@code org.kerbscope.capture.live}.
 */
package org.kerbscope.capture;
