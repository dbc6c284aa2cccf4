/** Reads Kerbscope's extension points into descriptors that load classes only when used. */
package org.kerbscope.core.registry;
