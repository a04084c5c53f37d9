package io.natrix.server.monitor;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * The claims of a JWT, read without checking its signature, for display only: /connz shows a user JWT's issuer,
 * name and tags, /accountz an account JWT's decoded claims, /varz the trusted operators' claims. Whether a JWT is
 * to be trusted was decided when it was accepted; nothing here decides anything.
 *
 * @param claims the payload as JSON values, in its own field order
 */
record JwtPayload(Map<String, Object> claims) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The payload of {@code jwt}, or null when it is absent or not a JWT. */
    static JwtPayload decode(String jwt) {
        if (jwt == null || jwt.isEmpty()) {
            return null;
        }
        String[] parts = jwt.split("\\.");
        if (parts.length != 3) {
            return null;
        }
        try {
            byte[] json = Base64.getUrlDecoder().decode(parts[1]);
            return new JwtPayload(JSON.readValue(json, new TypeReference<Map<String, Object>>() { }));
        } catch (IOException | IllegalArgumentException e) {
            return null;
        }
    }

    String issuer() {
        return claims.get("iss") instanceof String s ? s : null;
    }

    String name() {
        return claims.get("name") instanceof String s ? s : null;
    }

    /** The {@code nats} section's field, or null. */
    Object nats(String field) {
        return claims.get("nats") instanceof Map<?, ?> nats ? nats.get(field) : null;
    }

    List<?> tags() {
        return nats("tags") instanceof List<?> tags ? tags : List.of();
    }
}
