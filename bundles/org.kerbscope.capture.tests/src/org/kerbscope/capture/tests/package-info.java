/** Tests of the capture readers, the index, the writer and damage handling, on bytes built from the format specs. */
package org.kerbscope.capture.tests;
