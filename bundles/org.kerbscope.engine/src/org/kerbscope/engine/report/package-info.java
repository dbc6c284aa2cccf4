/** Reports: JSON (the CLI contract), text, and self-contained HTML with the flow diagram. */
package org.kerbscope.engine.report;
