package io.natrix.cli.messaging;

import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Makes the messages {@code pub} and {@code req} send: subject and body expanded as {@link MessageTemplate}s for
 * each message number (unless {@code --templates=false}), headers from the {@code -H} flags. As in natscli, a body
 * or subject template that does not parse is reported on the status log and sent unexpanded; a bad header fails
 * the command.
 *
 * <p>Not thread-safe: one command thread uses it.
 */
final class OutgoingMessages {

    private final String subject;
    private final List<String> headerFlags;
    private final boolean templates;
    private final StatusLog log;

    OutgoingMessages(String subject, List<String> headerFlags, boolean templates, StatusLog log) {
        this.subject = subject;
        this.headerFlags = headerFlags;
        this.templates = templates;
        this.log = log;
    }

    /** Message number {@code count} (from 1) with this body and reply subject (null for none). */
    NatsMessage make(byte[] body, long count, String replyTo) {
        byte[] data = body;
        String subj = subject;
        if (templates) {
            data = expandBody(body, count);
            try {
                subj = MessageTemplate.expand(subject, count);
            } catch (MessageTemplate.TemplateException e) {
                log.printf("Could not parse subject template: %s", e.getMessage());
            }
        }
        Headers headers = HeaderFlags.parse(headerFlags, count);
        return NatsMessage.builder().subject(subj).replyTo(replyTo).headers(headers).data(data).build();
    }

    private byte[] expandBody(byte[] body, long count) {
        if (!containsAction(body)) {
            return body;
        }
        try {
            String text = new String(body, StandardCharsets.UTF_8);
            return MessageTemplate.expand(text, count).getBytes(StandardCharsets.UTF_8);
        } catch (MessageTemplate.TemplateException e) {
            log.printf("Could not parse body template: %s", e.getMessage());
            return body;
        }
    }

    /** Whether the bytes hold two opening braces: only then is the body decoded, so binary bodies stay as they are. */
    private static boolean containsAction(byte[] body) {
        for (int i = 0; i + 1 < body.length; i++) {
            if (body[i] == '{' && body[i + 1] == '{') {
                return true;
            }
        }
        return false;
    }
}
