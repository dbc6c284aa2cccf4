/**
 * HTTP/1.x as far as authentication needs it: request and status lines, the authentication headers of every
 * scheme (RFC 7235, RFC 4559 Negotiate, NTLM), Negotiate/NTLM/Kerberos tokens handed on through the
 * {@code http.auth} table, and message framing that passes over bodies without keeping them.
 */
package org.kerbscope.dissect.http;
