/** Service-neutral helpers that tie DNS, TCP and Kerberos facts into authentication attempts. */
package org.kerbscope.core.flow;
