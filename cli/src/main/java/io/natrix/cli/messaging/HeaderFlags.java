package io.natrix.cli.messaging;

import io.natrix.cli.CliException;
import io.nats.client.impl.Headers;
import java.util.List;

/**
 * The {@code -H K:V} flags of {@code pub}, {@code req} and {@code reply} made into message headers, as natscli
 * makes them: split at the first colon, key and value trimmed, the value expanded as a {@link MessageTemplate}
 * (always, whatever {@code --templates} says, as in natscli), a repeated key adding a value.
 */
final class HeaderFlags {

    private HeaderFlags() {
    }

    /** The headers for message number {@code count}, or null when there are none. */
    static Headers parse(List<String> flags, long count) {
        return io.natrix.cli.support.HeaderFlags.parse(flags, (key, value) -> {
            try {
                return MessageTemplate.expand(value, count);
            } catch (MessageTemplate.TemplateException e) {
                throw new CliException("failed to parse Header template for " + key + ": " + e.getMessage());
            }
        });
    }
}
