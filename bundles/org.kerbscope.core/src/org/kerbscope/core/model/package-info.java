/** The values every layer exchanges: frames, dissection trees, events, attempts, findings, the analysis. */
package org.kerbscope.core.model;
