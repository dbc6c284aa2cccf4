/** The Kerbscope workbench: application, perspective, view ids. */
package org.kerbscope.ui;
