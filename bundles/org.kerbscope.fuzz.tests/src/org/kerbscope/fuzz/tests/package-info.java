/**
 * Hostile input: coverage-guided fuzz targets for every parser (Jazzer, with an agent-free seed-and-mutate
 * replay of the same targets for the OSGi build), damaged lab captures through the whole analysis, the caps that
 * bound memory, and the secrets that must never reach a report.
 */
package org.kerbscope.fuzz.tests;
