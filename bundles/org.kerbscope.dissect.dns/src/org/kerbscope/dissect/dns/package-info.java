/**
 * DNS (RFC 1035) over UDP and TCP, with the records Kerberos troubleshooting needs: A/AAAA, CNAME chains,
 * SRV for the DC locator, PTR, SOA, TXT, MX, NS, OPT, and TKEY/TSIG carrying GSS-TSIG (RFC 3645) tokens.
 */
package org.kerbscope.dissect.dns;
