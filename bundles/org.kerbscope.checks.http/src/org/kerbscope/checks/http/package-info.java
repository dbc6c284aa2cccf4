/** The HTTP service profile (the guide's baseline) and its checks. */
package org.kerbscope.checks.http;
