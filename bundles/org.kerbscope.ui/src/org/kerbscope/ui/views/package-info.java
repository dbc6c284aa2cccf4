/** The Kerbscope views: packets, flow, findings, evidence. */
package org.kerbscope.ui.views;
