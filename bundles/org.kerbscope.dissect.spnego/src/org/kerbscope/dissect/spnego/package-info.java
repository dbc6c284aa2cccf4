/**
 * The SPNEGO dissector (RFC 4178, MS-SPNG NegTokenInit2): reads the negotiation and hands each mechanism
 * token to the dissector of its mechanism through the {@code gss.oid} table.
 */
package org.kerbscope.dissect.spnego;
