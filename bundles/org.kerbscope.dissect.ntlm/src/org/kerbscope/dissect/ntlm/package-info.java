/**
 * The NTLMSSP dissector (MS-NLMP): NEGOTIATE, CHALLENGE and AUTHENTICATE messages, their flags, names,
 * version and target information. Responses are reported by length and kind only, never by value.
 */
package org.kerbscope.dissect.ntlm;
