package io.natrix.server.auth;

import io.natrix.server.subject.Subjects;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The allow and deny lists of one direction of a user's permissions, publish or subscribe, as the configuration
 * wrote them ({@code publish: {allow: [...], deny: [...]}}, or a bare list meaning allow).
 *
 * <p>An empty allow list means "no allow restriction": nats-server reads {@code publish: []} and
 * {@code publish: {allow: []}} as allowing everything, and so do we. (The one exception, an empty publish allow
 * list together with {@code allow_responses}, is {@link PermissionsPolicy}'s to apply.)
 *
 * <p>Entries are subjects, wildcards allowed. Subscribe entries may carry a queue qualifier, {@code "foo.* workers"}:
 * the subject, white space, and a queue name that must itself be a valid subject (so it may use wildcards, which
 * then match queue names token by token). Entries are validated when the permission is made, with nats-server's
 * texts ({@code subject "foo..bar" is not a valid subject}); nats-server refuses such a configuration at start-up.
 * Publish entries take no queue qualifier: nats-server 2.9.10 accepted one and then never matched the entry, so a
 * qualified publish deny silently denied nothing; current nats-server refuses it, and so do we.
 *
 * <p>Immutable and thread-safe; {@link PermissionsPolicy} compiles it into matching structures.
 */
public final class SubjectPermission {
    /** Most entries one allow or deny list may hold; real lists hold tens. */
    public static final int ENTRIES_MAX = 10_000;
    /** Longest entry, in characters; far above any subject a client can send, far below a hostile file. */
    public static final int ENTRY_LENGTH_MAX = 65_536;

    /** Longest entry text quoted in full by an error message. */
    private static final int SHOWN_LENGTH_MAX = 200;

    /** No restriction in either list. */
    public static final SubjectPermission NONE = new SubjectPermission(List.of(), List.of(), List.of(), List.of());

    private final List<String> allow;
    private final List<String> deny;
    private final List<Entry> allowEntries;
    private final List<Entry> denyEntries;

    /** One parsed entry: the subject, its tokens, and the queue qualifier or null. */
    record Entry(String subject, String[] tokens, String queue) {
    }

    private SubjectPermission(List<String> allow, List<String> deny, List<Entry> allowEntries,
                              List<Entry> denyEntries) {
        this.allow = allow;
        this.deny = deny;
        this.allowEntries = allowEntries;
        this.denyEntries = denyEntries;
    }

    /**
     * Publish permissions: entries are subjects without queue qualifiers.
     *
     * @throws IllegalArgumentException naming the first bad entry, with nats-server's wording
     */
    public static SubjectPermission forPublish(List<String> allow, List<String> deny) {
        return of(allow, deny, false);
    }

    /**
     * Subscribe permissions: entries are subjects, optionally followed by white space and a queue name.
     *
     * @throws IllegalArgumentException naming the first bad entry, with nats-server's wording
     */
    public static SubjectPermission forSubscribe(List<String> allow, List<String> deny) {
        return of(allow, deny, true);
    }

    private static SubjectPermission of(List<String> allow, List<String> deny, boolean queues) {
        List<String> allowCopy = List.copyOf(allow);
        List<String> denyCopy = List.copyOf(deny);
        if (allowCopy.isEmpty() && denyCopy.isEmpty()) {
            return NONE;
        }
        return new SubjectPermission(allowCopy, denyCopy, parse(allowCopy, queues), parse(denyCopy, queues));
    }

    private static List<Entry> parse(List<String> entries, boolean queues) {
        if (entries.size() > ENTRIES_MAX) {
            throw new IllegalArgumentException("has " + entries.size() + " entries, at most " + ENTRIES_MAX
                    + " are allowed");
        }
        List<Entry> parsed = new ArrayList<>(entries.size());
        for (String entry : entries) {
            parsed.add(parseEntry(entry, queues));
        }
        return List.copyOf(parsed);
    }

    /** Reads one entry as nats-server's permission check does: a valid subject as it is, else "subject queue". */
    static Entry parseEntry(String entry, boolean queues) {
        if (entry.length() > ENTRY_LENGTH_MAX) {
            throw new IllegalArgumentException("subject of " + entry.length() + " characters is longer than "
                    + ENTRY_LENGTH_MAX);
        }
        if (Subjects.isValidSubscribeSubject(entry)) {
            return new Entry(entry, Subjects.tokens(entry), null);
        }
        if (!queues) {
            throw new IllegalArgumentException("subject " + shown(entry) + " is not a valid subject");
        }
        List<String> fields = fields(entry);
        if (fields.size() != 2) {
            throw new IllegalArgumentException("subject " + shown(entry) + " is not a valid subject");
        }
        String subject = fields.get(0);
        String queue = fields.get(1);
        if (!Subjects.isValidSubscribeSubject(subject)) {
            throw new IllegalArgumentException("subject " + shown(subject) + " is not a valid subject");
        }
        if (!Subjects.isValidSubscribeSubject(queue)) {
            throw new IllegalArgumentException("queue " + shown(queue) + " is not a valid queue");
        }
        return new Entry(subject, Subjects.tokens(subject), queue);
    }

    /** An entry quoted for an error message, cut short when a hostile file makes it huge. */
    private static String shown(String text) {
        return text.length() <= SHOWN_LENGTH_MAX ? PermissionsViolation.quote(text)
                : PermissionsViolation.quote(text.substring(0, SHOWN_LENGTH_MAX)) + "...";
    }

    /** The entries allowed, as written; empty when the list does not restrict. */
    public List<String> allow() {
        return allow;
    }

    /** The entries denied, as written. */
    public List<String> deny() {
        return deny;
    }

    List<Entry> allowEntries() {
        return allowEntries;
    }

    List<Entry> denyEntries() {
        return denyEntries;
    }

    /** Go's {@code strings.Fields}: the runs of non-space characters, with Go's idea of a space. */
    private static List<String> fields(String text) {
        List<String> fields = new ArrayList<>(2);
        int i = 0;
        while (i < text.length()) {
            while (i < text.length() && isGoSpace(text.charAt(i))) {
                i++;
            }
            int start = i;
            while (i < text.length() && !isGoSpace(text.charAt(i))) {
                i++;
            }
            if (i > start) {
                fields.add(text.substring(start, i));
            }
        }
        return fields;
    }

    /** Go's {@code unicode.IsSpace}: ASCII white space, NEL, NBSP and the Unicode space separators. */
    private static boolean isGoSpace(char c) {
        return switch (c) {
            case '\t', '\n', 0x0B, '\f', '\r', ' ', 0x85, 0xA0 -> true;
            default -> c > 0xFF && Character.isSpaceChar(c);
        };
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SubjectPermission other && allow.equals(other.allow) && deny.equals(other.deny);
    }

    @Override
    public int hashCode() {
        return Objects.hash(allow, deny);
    }

    @Override
    public String toString() {
        return "{allow=" + allow + ", deny=" + deny + "}";
    }
}
