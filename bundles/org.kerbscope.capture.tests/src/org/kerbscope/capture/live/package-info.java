/** Tests of live capture: the privilege message, and a real capture on loopback where allowed. */
package org.kerbscope.capture.live;
