/**
 * The Kerberos V5 dissector (RFC 4120, RFC 4121 GSS-API tokens, MS-KILE extensions) and the names of its
 * numbers, contributed to the {@code org.kerbscope.core.dissectors} extension point.
 */
package org.kerbscope.dissect.kerberos;
