package io.natrix.server.auth;

import java.util.List;

/**
 * What a user may do and from where: the body of user claims and the template of a scoped signing key. JSON fields
 * (all inside {@code nats}): {@code pub}, {@code sub}, {@code resp}, {@code src}, {@code times},
 * {@code times_location}, {@code subs}, {@code data}, {@code payload}, {@code bearer_token}, {@code proxy_required},
 * {@code allowed_connection_types}.
 *
 * @param permissions            publish/subscribe/response permissions
 * @param src                    CIDRs the user may connect from; empty for anywhere
 * @param times                  daily time ranges in which the user may connect; empty for always
 * @param locale                 JSON {@code times_location}: the IANA zone of {@code times}; "" for the server's
 * @param subs                   most subscriptions; -1 unlimited (0 as written by NATS tools when unset)
 * @param data                   most bytes; -1 unlimited
 * @param payload                largest message payload; -1 unlimited
 * @param bearerToken            whether the JWT alone authenticates (no nonce signature)
 * @param proxyRequired          whether the user must come through a trusted proxy
 * @param allowedConnectionTypes STANDARD, WEBSOCKET, LEAFNODE, LEAFNODE_WS, MQTT, MQTT_WS, IN_PROCESS; empty for all
 */
public record UserPermissionLimits(JwtPermissions permissions, List<String> src, List<TimeRange> times, String locale,
                                   long subs, long data, long payload, boolean bearerToken, boolean proxyRequired,
                                   List<String> allowedConnectionTypes) {
    /** Nothing set: what a user issued by a scoped signing key must carry. */
    public static final UserPermissionLimits EMPTY =
            new UserPermissionLimits(JwtPermissions.NONE, List.of(), List.of(), "", 0, 0, 0, false, false, List.of());

    /** No permissions and no limits (-1), as NATS tools write a fresh user. */
    public static final UserPermissionLimits UNLIMITED =
            new UserPermissionLimits(JwtPermissions.NONE, List.of(), List.of(), "", -1, -1, -1, false, false, List.of());

    public UserPermissionLimits {
        permissions = permissions == null ? JwtPermissions.NONE : permissions;
        src = src == null ? List.of() : List.copyOf(src);
        times = times == null ? List.of() : List.copyOf(times);
        locale = locale == null ? "" : locale;
        allowedConnectionTypes = allowedConnectionTypes == null ? List.of() : List.copyOf(allowedConnectionTypes);
    }

    /** Whether nothing at all is set (nats-server's test for "scoped users require no permissions or limits"). */
    public boolean isEmpty() {
        return equals(EMPTY);
    }

    public UserPermissionLimits withPermissions(JwtPermissions permissions) {
        return new UserPermissionLimits(permissions, src, times, locale, subs, data, payload, bearerToken,
                proxyRequired, allowedConnectionTypes);
    }

    public UserPermissionLimits withLimits(long subs, long data, long payload) {
        return new UserPermissionLimits(permissions, src, times, locale, subs, data, payload, bearerToken,
                proxyRequired, allowedConnectionTypes);
    }

    public UserPermissionLimits withBearerToken(boolean bearerToken) {
        return new UserPermissionLimits(permissions, src, times, locale, subs, data, payload, bearerToken,
                proxyRequired, allowedConnectionTypes);
    }

    /**
     * A daily window, "HH:MM:SS" to "HH:MM:SS" in {@code times_location}; a start after the end crosses midnight.
     */
    public record TimeRange(String start, String end) {
        public TimeRange {
            start = start == null ? "" : start;
            end = end == null ? "" : end;
        }
    }
}
