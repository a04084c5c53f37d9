package io.natrix.server.auth;

import java.util.List;

/**
 * Publish and subscribe permissions as NATS JWTs carry them (user claims, scope templates, an account's default
 * permissions). JSON: {@code {"pub":{"allow":[...],"deny":[...]},"sub":{...},"resp":{"max":1,"ttl":0}}}.
 *
 * @param pub  subjects the holder may ({@code allow}) and may not ({@code deny}) publish to
 * @param sub  subjects the holder may and may not subscribe to; an entry may carry a queue: "subject queue"
 * @param resp permission to publish to reply subjects of received requests, or null when not granted
 */
public record JwtPermissions(Permission pub, Permission sub, ResponsePermission resp) {
    /** No permissions set: everything the account allows. */
    public static final JwtPermissions NONE = new JwtPermissions(Permission.NONE, Permission.NONE, null);

    public JwtPermissions {
        pub = pub == null ? Permission.NONE : pub;
        sub = sub == null ? Permission.NONE : sub;
    }

    /** Whether nothing is set. */
    public boolean isEmpty() {
        return pub.isEmpty() && sub.isEmpty() && resp == null;
    }

    /**
     * One direction's subject lists.
     *
     * @param allow subjects allowed; empty means all that are not denied
     * @param deny  subjects denied
     */
    public record Permission(List<String> allow, List<String> deny) {
        public static final Permission NONE = new Permission(List.of(), List.of());

        public Permission {
            allow = allow == null ? List.of() : List.copyOf(allow);
            deny = deny == null ? List.of() : List.copyOf(deny);
        }

        public boolean isEmpty() {
            return allow.isEmpty() && deny.isEmpty();
        }
    }

    /**
     * The right to answer requests: {@code max} replies each within {@code ttl}.
     *
     * @param maxMsgs  JSON {@code max}: replies allowed per request
     * @param ttlNanos JSON {@code ttl}: how long the right lasts, in nanoseconds (a Go duration); 0 for the default
     */
    public record ResponsePermission(long maxMsgs, long ttlNanos) {
    }
}
