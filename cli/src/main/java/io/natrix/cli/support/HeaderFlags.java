package io.natrix.cli.support;

import io.natrix.cli.CliException;
import io.nats.client.impl.Headers;
import java.util.List;
import java.util.function.BinaryOperator;

/**
 * natscli's {@code -H K:V} flags as message headers: split at the first colon, key and value trimmed, a repeated
 * key adding a value. A flag without a colon or with an empty key is a one-line error. Stateless.
 */
public final class HeaderFlags {

    private HeaderFlags() {
    }

    /** The headers, or null when no flag was given. */
    public static Headers parse(List<String> flags) {
        return parse(flags, (key, value) -> value);
    }

    /**
     * The headers with each value made by {@code valueOf} from the key and the value given (the messaging commands
     * expand templates there), or null when no flag was given.
     */
    public static Headers parse(List<String> flags, BinaryOperator<String> valueOf) {
        if (flags == null || flags.isEmpty()) {
            return null;
        }
        Headers headers = new Headers();
        for (String flag : flags) {
            int colon = flag.indexOf(':');
            if (colon <= 0 || flag.substring(0, colon).isBlank()) {
                throw new CliException("invalid header \"" + flag + "\"");
            }
            String key = flag.substring(0, colon).strip();
            try {
                headers.add(key, valueOf.apply(key, flag.substring(colon + 1).strip()));
            } catch (IllegalArgumentException e) {
                throw new CliException("invalid header \"" + flag + "\": " + e.getMessage());
            }
        }
        return headers;
    }
}
