/**
 * Code that runs in the lab's child JVMs (the browser and the web site). It must use nothing but the JDK: the child
 * class path is only this bundle's own classes.
 */
package org.kerbscope.lab.child;
