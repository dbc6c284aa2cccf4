/**
 * The lab's recorder: a relay on loopback that forwards the real client's TCP and UDP traffic to the real servers
 * and writes what passes as a pcapng capture with lab addresses (synthetic Ethernet/IPv4/TCP/UDP headers around the
 * real bytes).
 */
package org.kerbscope.lab.record;
