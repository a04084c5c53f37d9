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
        if (flags == null || flags.isEmpty()) {
            return null;
        }
        Headers headers = new Headers();
        for (String flag : flags) {
            int colon = flag.indexOf(':');
            if (colon < 0) {
                throw new CliException("invalid header \"" + flag + "\"");
            }
            String key = flag.substring(0, colon).strip();
            String value;
            try {
                value = MessageTemplate.expand(flag.substring(colon + 1).strip(), count);
            } catch (MessageTemplate.TemplateException e) {
                throw new CliException("failed to parse Header template for " + key + ": " + e.getMessage());
            }
            try {
                headers.add(key, value);
            } catch (IllegalArgumentException e) {
                throw new CliException("invalid header \"" + flag + "\": " + e.getMessage());
            }
        }
        return headers;
    }
}
