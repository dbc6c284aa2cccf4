/** Header-block parsing, framing and authentication-header grammar; no Eclipse imports. */
package org.kerbscope.dissect.http.internal;
