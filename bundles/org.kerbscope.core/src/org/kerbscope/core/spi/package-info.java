/** What a plug-in implements: dissectors, service profiles, checks, evidence importers. */
package org.kerbscope.core.spi;
