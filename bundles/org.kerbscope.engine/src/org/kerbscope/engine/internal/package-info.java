/** Dissection contexts and conversation state. */
package org.kerbscope.engine.internal;
