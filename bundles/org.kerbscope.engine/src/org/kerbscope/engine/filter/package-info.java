/** The display filter of the packet list. */
package org.kerbscope.engine.filter;
