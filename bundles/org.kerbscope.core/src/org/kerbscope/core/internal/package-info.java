/** Logging and environment details, not API. */
package org.kerbscope.core.internal;
