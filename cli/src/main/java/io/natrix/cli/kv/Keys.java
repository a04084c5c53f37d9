package io.natrix.cli.kv;

import io.natrix.cli.CliException;
import io.nats.client.support.Validator;

/** Key checks shared by the {@code kv} commands: jnats's key rules turned into one-line errors. */
final class Keys {

    /** JetStream's "wrong last sequence" error code: an optimistic-concurrency write that lost. */
    static final int WRONG_LAST_SEQUENCE = 10071;

    private Keys() {
    }

    /** The key, when it is a valid key without wildcards. */
    static String checked(String key) {
        try {
            Validator.validateNonWildcardKvKeyRequired(key);
        } catch (IllegalArgumentException e) {
            throw new CliException("invalid key \"" + key + "\": " + e.getMessage());
        }
        return key;
    }
}
