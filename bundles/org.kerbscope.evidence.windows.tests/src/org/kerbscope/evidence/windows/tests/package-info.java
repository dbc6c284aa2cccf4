/**
 * Tests of the Windows evidence importers: the guide's excerpts, hand-typed outputs of each command, hostile XML,
 * damaged .evtx copies, and agreement with python-evtx's reading of the reference corpus.
 */
package org.kerbscope.evidence.windows.tests;
