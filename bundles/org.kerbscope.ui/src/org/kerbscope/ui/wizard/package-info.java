/** The guided troubleshooting wizard: the guide's sections, interactive. */
package org.kerbscope.ui.wizard;
