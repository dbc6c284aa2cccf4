/**
 * Tests of the LDAP plug-in: messages built from RFC 4511's ASN.1 around real Kerberos/SPNEGO tokens (JDK JGSS
 * against an in-test Kerby KDC) and NTLMSSP built per MS-NLMP, in captures the tests write themselves.
 */
package org.kerbscope.ldap.tests;
