/** The analysis pipeline: dissector dispatch, stream framing, attempts and checks. */
package org.kerbscope.engine;
