/** The CIFS checks: logon failures, share access, NTLM fallback, unknown cifs SPN, anonymous sessions. */
package org.kerbscope.cifs.checks;
