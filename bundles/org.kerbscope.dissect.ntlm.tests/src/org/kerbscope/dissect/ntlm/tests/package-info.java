/** Tests of the ntlm dissector, on bytes real Kerberos stacks made or built from the protocol documents. */
package org.kerbscope.dissect.ntlm.tests;
