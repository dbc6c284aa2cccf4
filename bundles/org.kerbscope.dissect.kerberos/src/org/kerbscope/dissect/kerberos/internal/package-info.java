/**
 * The pieces behind the Kerberos dissector: a DER reader that keeps byte ranges, the message reader, the
 * TCP record-mark framer, keytab keys and decryption (through Apache Kerby's crypto) and the PAC reader.
 */
package org.kerbscope.dissect.kerberos.internal;
