/**
 * A pure-Java reader of Windows XML Event Log files (.evtx): the file header, 64 KiB chunks, event records and
 * their Binary XML (tokens, templates, substitutions, the chunk's string table), rendered to small element trees.
 * No Eclipse or Kerbscope types, so it can be used and tested on its own.
 */
package org.kerbscope.evidence.windows.evtx;
