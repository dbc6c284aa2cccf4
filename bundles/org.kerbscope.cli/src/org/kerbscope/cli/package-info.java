/** The kerbscope command line: analyze, lab, samples. */
package org.kerbscope.cli;
