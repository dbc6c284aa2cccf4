/** The DNS decoder and the TCP length framing; no Eclipse imports, so they are tested as plain JUnit. */
package org.kerbscope.dissect.dns.internal;
