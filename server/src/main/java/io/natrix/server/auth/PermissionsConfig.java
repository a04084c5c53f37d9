package io.natrix.server.auth;

import io.natrix.server.config.ConfigException;
import java.math.BigDecimal;
import java.math.BigInteger;
import io.natrix.server.config.ConfigUnits;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads a permissions map of the configuration into a {@link PermissionsPolicy}, accepting what nats-server's
 * {@code parseUserPermissions} accepts:
 * <pre>{@code
 * permissions {
 *   publish   = ["foo.>", "bar"]                  # a list or a single subject: the allow list
 *   subscribe = { allow: "foo.*", deny: ["foo.secret", "foo.* restricted"] }   # or allow and/or deny
 *   allow_responses = true                        # or { max: 5, expires: "1m" }
 * }
 * }</pre>
 * Key aliases as in nats-server: {@code pub}/{@code publish}/{@code import}, {@code sub}/{@code subscribe}/
 * {@code export}, {@code allow_responses}/{@code publish_allow_responses}; inside allow_responses {@code max}/
 * {@code max_msgs}/{@code max_messages}/{@code max_responses} and {@code expires}/{@code expiration}/{@code ttl}.
 * Keys match without regard to case. {@code allow_responses: false} sets nothing. An empty map sets nothing but
 * still counts as "the user has permissions", which keeps default permissions away, as in nats-server.
 *
 * <p>Unknown keys, values of the wrong type and invalid subjects are errors naming the key and the place; nats-server
 * refuses them at start-up too.
 *
 * <p>Stateless; package-private helper of {@link UserConfigs}.
 */
final class PermissionsConfig {
    /** Longest duration text read; "1h2m3.456s" is ten characters. */
    private static final int DURATION_LENGTH_MAX = 64;

    private PermissionsConfig() {
    }

    /**
     * The permissions in {@code field}, or null when they have errors, which are added to {@code errors}.
     */
    static PermissionsPolicy read(UserConfigField field, List<ConfigException> errors) {
        int errorsBefore = errors.size();
        field.map();
        Draft draft = new Draft();
        field.forEachEntry(errors, (key, sub) -> {
            switch (key) {
                case "pub", "publish", "import" -> draft.publish = subjectPermission(sub, false);
                case "sub", "subscribe", "export" -> draft.subscribe = subjectPermission(sub, true);
                case "allow_responses", "publish_allow_responses" -> draft.responses = responses(sub, errors);
                default -> throw sub.error("unknown field, expected publish, subscribe or allow_responses");
            }
        });
        if (errors.size() > errorsBefore) {
            return null;
        }
        return PermissionsPolicy.of(draft.publish, draft.subscribe, draft.responses);
    }

    // Blocks are read entry by entry through a callback, so their values collect in small drafts.

    private static final class Draft {
        SubjectPermission publish;
        SubjectPermission subscribe;
        PermissionsPolicy.Responses responses;
    }

    private static final class ListsDraft {
        List<String> allow = List.of();
        List<String> deny = List.of();
    }

    private static final class ResponsesDraft {
        int max;
        Duration expires = Duration.ZERO;
    }

    private static SubjectPermission subjectPermission(UserConfigField field, boolean subscribe) {
        ListsDraft lists = new ListsDraft();
        if (field.value() instanceof Map<?, ?>) {
            List<ConfigException> errors = new ArrayList<>();
            field.forEachEntry(errors, (key, sub) -> {
                switch (key) {
                    case "allow" -> lists.allow = subjects(sub, subscribe);
                    case "deny" -> lists.deny = subjects(sub, subscribe);
                    default -> throw sub.error("unknown field, only 'allow' or 'deny' are permitted");
                }
            });
            if (!errors.isEmpty()) {
                throw firstWithOthers(errors);
            }
        } else {
            lists.allow = subjects(field, subscribe);
        }
        return subscribe ? SubjectPermission.forSubscribe(lists.allow, lists.deny)
                : SubjectPermission.forPublish(lists.allow, lists.deny);
    }

    /** A subject or a list of them, each validated here so that the error names the list it is in. */
    private static List<String> subjects(UserConfigField field, boolean subscribe) {
        List<String> subjects = field.strings("a subject", SubjectPermission.ENTRIES_MAX);
        for (String subject : subjects) {
            try {
                SubjectPermission.parseEntry(subject, subscribe);
            } catch (IllegalArgumentException e) {
                throw field.error(e.getMessage());
            }
        }
        return subjects;
    }

    private static PermissionsPolicy.Responses responses(UserConfigField field, List<ConfigException> errors) {
        if (field.value() instanceof Boolean enabled) {
            return enabled ? PermissionsPolicy.Responses.DEFAULT : null;
        }
        if (!(field.value() instanceof Map<?, ?>)) {
            throw field.expected("a boolean or a map with max and expires");
        }
        ResponsesDraft draft = new ResponsesDraft();
        int errorsBefore = errors.size();
        field.forEachEntry(errors, (key, sub) -> {
            switch (key) {
                case "max", "max_msgs", "max_messages", "max_responses" -> {
                    long n = sub.integer();
                    if (n < Integer.MIN_VALUE || n > Integer.MAX_VALUE) {
                        throw sub.error("value " + n + " is out of range");
                    }
                    draft.max = (int) n; // 0 means the default, negative means no limit, as in nats-server
                }
                case "expires", "expiration", "ttl" -> {
                    if (!(sub.value() instanceof String text)) {
                        throw sub.expected("a duration string such as \"1m\"");
                    }
                    try {
                        if (text.length() > DURATION_LENGTH_MAX) {
                            throw sub.error("invalid duration: longer than " + DURATION_LENGTH_MAX + " characters");
                        }
                        draft.expires = ConfigUnits.parseDuration(text);
                    } catch (IllegalArgumentException e) {
                        throw sub.error(e.getMessage());
                    }
                }
                default -> throw sub.error("unknown field, expected max or expires");
            }
        });
        return errors.size() > errorsBefore ? null : new PermissionsPolicy.Responses(draft.max, draft.expires);
    }

    private static ConfigException firstWithOthers(List<ConfigException> errors) {
        ConfigException first = errors.get(0);
        for (ConfigException other : errors.subList(1, errors.size())) {
            first.addSuppressed(other);
        }
        return first;
    }

}
