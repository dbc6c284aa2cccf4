/** Workbench plumbing: advisors, actions, the analysis service, preferences. */
package org.kerbscope.ui.internal;
