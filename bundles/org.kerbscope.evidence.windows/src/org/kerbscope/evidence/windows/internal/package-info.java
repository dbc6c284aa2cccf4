/**
 * What the importers share: decoding of console output files (UTF-16 from PowerShell 5.1, UTF-8, OEM), the
 * PowerShell list and table forms, the event extraction and its sentences, and the tables of Windows and Kerberos
 * codes with their meanings.
 */
package org.kerbscope.evidence.windows.internal;
