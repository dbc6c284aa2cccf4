/** Tests of the kerberos dissector, on bytes real Kerberos stacks made or built from the protocol documents. */
package org.kerbscope.dissect.kerberos.tests;
