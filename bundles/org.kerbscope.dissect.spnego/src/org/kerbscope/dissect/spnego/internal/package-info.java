/** The minimal DER reading SPNEGO needs, kept with byte positions for the tree. */
package org.kerbscope.dissect.spnego.internal;
