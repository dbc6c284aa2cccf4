/**
 * Tests of the HTTP dissector on byte streams recorded from the JDK's own HTTP server and clients through a
 * loopback relay, fed to the framer the way the engine feeds TCP segments.
 */
package org.kerbscope.dissect.http.tests;
