/** DCE/RPC (connection-oriented, C706 and MS-RPCE): the authentication tokens of bind exchanges. */
package org.kerbscope.dissect.dcerpc;
