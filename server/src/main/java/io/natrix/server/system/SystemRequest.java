package io.natrix.server.system;

import io.natrix.server.account.Account;
import io.natrix.server.client.ClientConnection;

/**
 * A message a system service received, copied out of the publisher's buffers so it can be handled later on the
 * system thread.
 *
 * @param account the account it was published in
 * @param subject the subject it was published to
 * @param reply   where the answer goes, or null
 * @param headers the header block, or null
 * @param payload the payload (never null)
 * @param client  the connection that sent it (through imports too), or null when the server did
 */
public record SystemRequest(Account account, String subject, String reply, byte[] headers, byte[] payload,
                            ClientConnection client) {
}
