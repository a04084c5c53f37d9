package io.natrix.server.imports;

import io.natrix.server.account.Account;
import io.natrix.server.client.InternalSubscription;
import io.natrix.server.client.Message;
import io.natrix.server.client.Router;

/**
 * An imported stream, subscribed in the exporting account on the exported subject: each message is forwarded into
 * the importing account under the import's local subject (its prefix or {@code to} applied), reply unchanged.
 * A message that itself came in through a stream import goes no further: as in nats-server, stream imports do not
 * chain (A importing from B what B imports from C sees nothing of C's).
 *
 * <p>Thread-safe (immutable; runs on publishers' threads).
 */
final class StreamImport extends InternalSubscription {
    private final Account importer;
    private final ImportLink link;
    private final java.util.function.UnaryOperator<String> toLocal;

    StreamImport(Account importer, ImportLink link) {
        super(link.remoteSubject(), null);
        this.importer = importer;
        this.link = link;
        this.toLocal = link.crossing(link.remoteSubject(), link.localSubject());
    }

    @Override
    protected boolean onMessage(Message message) {
        if (message.viaStreamImport()) {
            return false; // stream imports do not chain, as in nats-server
        }
        return Router.forwardStream(message, importer, toLocal.apply(message.subject()), message.reply());
    }

    ImportLink link() {
        return link;
    }
}
