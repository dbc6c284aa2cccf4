/**
 * The mapping of a capture file and the per-format record parsers shared by the streaming reader and the
 * index pass.
 */
package org.kerbscope.capture.internal;
