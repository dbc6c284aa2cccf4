/**
 * Command-line tools to measure the readers and the network layers on a large capture: {@code NetBench} and
 * the generator {@code BigCapture}. Not API.
 */
package org.kerbscope.net.bench;
