/**
 * Importers of outside evidence gathered on Windows (and MIT Kerberos clients), contributed through
 * {@code org.kerbscope.core.evidenceImporters}: the Security event log (.evtx read directly, XML, Event Viewer
 * text), klist, Resolve-DnsName and nslookup, Test-NetConnection, setspn, Invoke-WebRequest, auditpol. Each
 * recognises its files by content, reads them without writing, and turns a line it cannot read into a diagnostic.
 */
package org.kerbscope.evidence.windows;
