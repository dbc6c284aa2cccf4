/** CIFS/SMB as an installable service: the SMB2/SMB1 dissector and the {@code cifs} service profile. */
package org.kerbscope.cifs;
