package io.natrix.server.imports;

import io.natrix.server.account.Account;
import io.natrix.server.client.InternalSubscription;
import io.natrix.server.client.Message;
import io.natrix.server.client.MsgTrace;
import io.natrix.server.client.Router;

/**
 * An imported stream, subscribed in the exporting account on the exported subject: each message is forwarded into
 * the importing account under the import's local subject (its prefix or {@code to} applied), reply unchanged. A
 * JetStream push delivery is mapped by its deliver subject and keeps the subject it was stored under.
 * A message that itself came in through a stream import goes no further: as in nats-server, stream imports do not
 * chain (A importing from B what B imports from C sees nothing of C's). A traced message records the crossing
 * ({@code se} event); the trace goes on in the importer only when the import has {@code allow_trace}.
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
        // A JetStream delivery crosses under its deliver subject and keeps the subject it was stored under.
        String local = toLocal.apply(message.routingSubject());
        MsgTrace trace = message.trace();
        MsgTrace onward = null;
        if (trace != null) {
            onward = trace.streamExport(importer, local, link.allowTrace());
            if (onward == null && trace.traceOnly()) {
                return true; // the import does not let traces in; as nats-server, this counts as a delivery
            }
        }
        return Router.forwardStream(message, importer, local, message.reply(), onward);
    }

    ImportLink link() {
        return link;
    }
}
