package io.natrix.server.imports;

import io.natrix.server.account.Account;
import io.natrix.server.client.InternalSubscription;
import io.natrix.server.client.Message;
import io.natrix.server.client.MsgTrace;
import io.natrix.server.client.Router;

/**
 * An imported service, subscribed in the importing account on the import's local subject: each request is
 * forwarded to the exporter under the exported subject, with a reply subject of the exporter's that routes the
 * responses back ({@link ResponseRoutes}), and a {@link RequestInfo} header that tells the exporter who asks. A
 * request nobody in the exporter takes counts as not delivered, so the requester gets nats-server's no-responders
 * answer.
 *
 * <p>A traced request records the crossing ({@code si} event); the trace goes on in the exporter only when the
 * export has {@code allow_trace}.
 *
 * <p>Thread-safe (immutable; runs on publishers' threads).
 */
final class ServiceImport extends InternalSubscription {
    private final ImportLink link;
    private final java.util.function.UnaryOperator<String> toRemote;
    private final ResponseRoutes responses;

    private final java.util.function.Supplier<String> serverName;

    ServiceImport(ImportLink link, ResponseRoutes responses, java.util.function.Supplier<String> serverName) {
        super(link.localSubject(), null);
        this.link = link;
        this.toRemote = link.crossing(link.localSubject(), link.remoteSubject());
        this.responses = responses;
        this.serverName = serverName;
    }

    @Override
    protected boolean onMessage(Message message) {
        String remote = link.exporter().mappings().map(toRemote.apply(message.subject()));
        if (remote.isEmpty()) {
            return false; // the exporter's mappings dropped it
        }
        if (responses.routes(remote)) {
            // An export covering _R_.*.* would let this account pose as a responder to another's requests.
            return false;
        }
        MsgTrace trace = message.trace();
        MsgTrace onward = null;
        if (trace != null) {
            onward = trace.serviceImport(link.exporter(), message.subject(), remote, link.allowTrace());
            if (onward == null && trace.traceOnly()) {
                return false; // the export does not let traces in: tracing, and the message, end here
            }
        }
        String reply = message.reply();
        Account importer = message.account();
        String routed = reply == null ? null
                : responses.register(importer, reply, link.singleResponse(), link.responseThreshold());
        byte[] headers = RequestInfo.headersFor(message, message.serviceShare(), link.share(),
                link.share() ? serverName.get() : null);
        if (trace != null && onward == null) {
            // Delivered untraced; the exporter's services see tracing turned off, as nats-server marks it.
            headers = MsgTrace.disabledIn(headers != null ? headers : message.headers());
        }
        boolean delivered = Router.forwardRequest(message, link.exporter(), remote, routed, headers, link.share(),
                onward);
        if (routed != null && (!delivered || trace != null && trace.traceOnly())) {
            responses.unregister(routed); // no response can come: nobody got it, or it was only traced
        }
        return delivered;
    }

    ImportLink link() {
        return link;
    }
}
