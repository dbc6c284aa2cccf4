/**
 * Recording a capture from the workbench, as the guide's "Use Network Monitor to record an authentication test":
 * prepare the client, record on an interface, stop, and the capture opens and is analysed.
 */
package org.kerbscope.ui.record;
