/**
 * Live capture through pcap4j (libpcap, Npcap on Windows): the only package of this bundle that loads
 * pcap4j, so reading files never needs the native library.
 */
package org.kerbscope.capture.live;
