/** The lab's servers that run in the lab's own JVM (KDC, DNS) and the launcher of its child JVMs. */
package org.kerbscope.lab.internal;
