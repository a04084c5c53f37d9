package io.natrix.server.auth;

import java.util.Set;

/**
 * The kinds of NATS JWT ({@code nats.type}), with who may issue each and what its subject must be. These rules are
 * checked on every decode and encode.
 *
 * <pre>
 *   type                    issuer key             subject
 *   operator                operator               operator key
 *   account                 operator or account    account key
 *   user                    account                user key
 *   activation              account or operator    (the importing account; checked where imports are resolved)
 *   authorization_request   server                 (free)
 *   authorization_response  account                (free)
 * </pre>
 */
public enum ClaimType {
    OPERATOR("operator", Set.of(NKeyType.OPERATOR), NKeyType.OPERATOR),
    ACCOUNT("account", Set.of(NKeyType.OPERATOR, NKeyType.ACCOUNT), NKeyType.ACCOUNT),
    USER("user", Set.of(NKeyType.ACCOUNT), NKeyType.USER),
    ACTIVATION("activation", Set.of(NKeyType.ACCOUNT, NKeyType.OPERATOR), null),
    AUTHORIZATION_REQUEST("authorization_request", Set.of(NKeyType.SERVER), null),
    AUTHORIZATION_RESPONSE("authorization_response", Set.of(NKeyType.ACCOUNT), null);

    private final String jsonName;
    private final Set<NKeyType> issuerTypes;
    private final NKeyType subjectType;

    ClaimType(String jsonName, Set<NKeyType> issuerTypes, NKeyType subjectType) {
        this.jsonName = jsonName;
        this.issuerTypes = issuerTypes;
        this.subjectType = subjectType;
    }

    /** The value of {@code nats.type}. */
    public String jsonName() {
        return jsonName;
    }

    /** The key types that may sign claims of this type. */
    public Set<NKeyType> issuerTypes() {
        return issuerTypes;
    }

    /** The key type the subject must have, or null when this type does not constrain it. */
    public NKeyType subjectType() {
        return subjectType;
    }

    /** The type named {@code jsonName}, or null. */
    public static ClaimType ofJsonName(String jsonName) {
        for (ClaimType type : values()) {
            if (type.jsonName.equals(jsonName)) {
                return type;
            }
        }
        return null;
    }
}
