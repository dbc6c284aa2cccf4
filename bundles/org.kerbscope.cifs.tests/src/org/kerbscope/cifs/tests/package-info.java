/**
 * Tests of the CIFS plug-in: SMB PDUs built from MS-SMB2/MS-CIFS structures around real SPNEGO/Kerberos tokens
 * (JDK JGSS against an in-test Kerby KDC) and NTLMSSP built per MS-NLMP; captures written with PcapngWriter and
 * analysed by the real engine; agreement with tshark's reading of the reference corpus.
 */
package org.kerbscope.cifs.tests;
