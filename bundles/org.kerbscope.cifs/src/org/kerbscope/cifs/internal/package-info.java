/**
 * What the SMB dissector, the service profile and the checks share: NetBIOS framing, NTSTATUS names, small
 * DER and UTF-16 readers, and the reconstruction of session set-ups from events.
 */
package org.kerbscope.cifs.internal;
