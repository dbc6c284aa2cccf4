/** Checks of what every service stands on: DNS, TCP and the Kerberos exchange with the KDC. */
package org.kerbscope.checks.kerberos;
