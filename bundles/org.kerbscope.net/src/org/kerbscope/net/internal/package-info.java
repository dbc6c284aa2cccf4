/** The decoder's tables: connection and flow keys, TCP stream state, IP fragment reassembly. */
package org.kerbscope.net.internal;
