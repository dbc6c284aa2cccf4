/**
 * What the dissectors' test fragments share (a dissection context without the engine). Used by tests only: no
 * feature ships this bundle.
 */
package org.kerbscope.testing;
