/**
 * The Kerberos lab: the guide's environment (KDC, DNS, SPNEGO web site, browser) on loopback, recorded into pcapng
 * captures, and the scenarios that break it in the ways support engineers meet.
 */
package org.kerbscope.lab;
