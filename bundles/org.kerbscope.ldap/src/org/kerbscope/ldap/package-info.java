/**
 * LDAP as a Kerbscope service: the dissector (TCP 389/3268, CLDAP on UDP 389, LDAPS recognised), the service
 * profile that maps binds to the generic authentication steps, and the LDAP checks. Core knows none of this: it
 * is all contributed through plugin.xml.
 */
package org.kerbscope.ldap;
