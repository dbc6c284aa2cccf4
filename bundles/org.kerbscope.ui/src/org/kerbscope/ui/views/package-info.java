/** The Kerbscope views: flow, findings, evidence (the packets are in the capture editor). */
package org.kerbscope.ui.views;
