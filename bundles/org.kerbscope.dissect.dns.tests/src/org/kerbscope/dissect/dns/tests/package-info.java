/**
 * Tests of the DNS dissector on queries the JDK's DNS client sent to a loopback server and on messages built
 * here from RFC 1035, RFC 2930/3645 (TKEY) and RFC 2845 (TSIG), including hostile ones.
 */
package org.kerbscope.dissect.dns.tests;
