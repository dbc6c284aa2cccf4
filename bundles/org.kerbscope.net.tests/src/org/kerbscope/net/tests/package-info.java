/**
 * Tests of the network layers on frames built in the test from the RFC header layouts, and agreement with
 * tshark on the reference corpus.
 */
package org.kerbscope.net.tests;
