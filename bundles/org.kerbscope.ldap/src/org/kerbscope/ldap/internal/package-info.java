/** The pure decoding parts of the LDAP plug-in: a bounded BER reader, the stream framer and the code tables. */
package org.kerbscope.ldap.internal;
