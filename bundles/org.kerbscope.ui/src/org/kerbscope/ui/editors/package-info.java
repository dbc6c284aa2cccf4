/**
 * The capture editor: a capture file shown like Wireshark's main pane (packet list, details tree, hex), in the
 * editor area, one editor per open capture. The file is only read, never written.
 */
package org.kerbscope.ui.editors;
