/**
 * The network layers under the dissectors: link (Ethernet, VLAN, Linux cooked, loopback, raw IP, IEEE 802.11
 * with radiotap or PPI, GRE and ERSPAN tunnels), IPv4/IPv6 with fragment reassembly, UDP, and TCP per-direction
 * stream reassembly that tells which frame delivered which bytes. {@link org.kerbscope.net.NetworkDecoder} drives
 * it and hands the results to a {@link org.kerbscope.net.TransportHandler}.
 */
package org.kerbscope.net;
