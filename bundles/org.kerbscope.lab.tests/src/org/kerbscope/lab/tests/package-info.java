/** Tests of the lab: every scenario runs and its capture reads, in tshark, as its story says. */
package org.kerbscope.lab.tests;
