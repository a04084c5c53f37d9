package io.natrix.server.auth;

import java.util.List;

/**
 * An authorization request JWT ({@code nats.type} "authorization_request"): what a server sends an auth callout
 * service about a connecting client, signed by the server's key.
 *
 * @param data              registered claims
 * @param server            JSON {@code server_id}
 * @param userNkey          JSON {@code user_nkey}: the nkey the server made up for the client
 * @param clientInformation JSON {@code client_info}
 * @param connectOptions    JSON {@code connect_opts}: the client's CONNECT credentials
 * @param tls               JSON {@code client_tls}, or null
 * @param requestNonce      JSON {@code request_nonce}
 * @param tags              JSON {@code tags}
 */
public record AuthorizationRequestClaims(ClaimsData data, ServerId server, String userNkey,
                                         ClientInformation clientInformation, ConnectOptions connectOptions,
                                         ClientTls tls, String requestNonce, List<String> tags) implements JwtClaims {

    public AuthorizationRequestClaims {
        server = server == null ? new ServerId("", "", "", "", "", List.of(), "") : server;
        userNkey = userNkey == null ? "" : userNkey;
        clientInformation = clientInformation == null
                ? new ClientInformation("", 0, "", "", List.of(), "", "", "", "", "")
                : clientInformation;
        connectOptions = connectOptions == null
                ? new ConnectOptions("", "", "", "", "", "", "", "", "", 0)
                : connectOptions;
        requestNonce = requestNonce == null ? "" : requestNonce;
        tags = tags == null ? List.of() : List.copyOf(tags);
    }

    @Override
    public ClaimType type() {
        return ClaimType.AUTHORIZATION_REQUEST;
    }

    /** JSON {@code name}, {@code host}, {@code id}, {@code version}, {@code cluster}, {@code tags}, {@code xkey}. */
    public record ServerId(String name, String host, String id, String version, String cluster, List<String> tags,
                           String xkey) {
        public ServerId {
            name = name == null ? "" : name;
            host = host == null ? "" : host;
            id = id == null ? "" : id;
            version = version == null ? "" : version;
            cluster = cluster == null ? "" : cluster;
            tags = tags == null ? List.of() : List.copyOf(tags);
            xkey = xkey == null ? "" : xkey;
        }
    }

    /**
     * JSON {@code host}, {@code id}, {@code user}, {@code name}, {@code tags}, {@code name_tag}, {@code kind},
     * {@code type}, {@code mqtt_id}, {@code nonce}.
     */
    public record ClientInformation(String host, long id, String user, String name, List<String> tags,
                                    String nameTag, String kind, String type, String mqttId, String nonce) {
        public ClientInformation {
            host = host == null ? "" : host;
            user = user == null ? "" : user;
            name = name == null ? "" : name;
            tags = tags == null ? List.of() : List.copyOf(tags);
            nameTag = nameTag == null ? "" : nameTag;
            kind = kind == null ? "" : kind;
            type = type == null ? "" : type;
            mqttId = mqttId == null ? "" : mqttId;
            nonce = nonce == null ? "" : nonce;
        }
    }

    /**
     * The client's CONNECT credentials: JSON {@code jwt}, {@code nkey}, {@code sig}, {@code auth_token},
     * {@code user}, {@code pass}, {@code name}, {@code lang}, {@code version}, {@code protocol}. Its
     * {@link #toString()} hides the secrets.
     */
    public record ConnectOptions(String jwt, String nkey, String signedNonce, String authToken, String user,
                                 String pass, String name, String lang, String version, long protocol) {
        public ConnectOptions {
            jwt = jwt == null ? "" : jwt;
            nkey = nkey == null ? "" : nkey;
            signedNonce = signedNonce == null ? "" : signedNonce;
            authToken = authToken == null ? "" : authToken;
            user = user == null ? "" : user;
            pass = pass == null ? "" : pass;
            name = name == null ? "" : name;
            lang = lang == null ? "" : lang;
            version = version == null ? "" : version;
        }

        @Override
        public String toString() {
            return "ConnectOptions[nkey=" + nkey + ", user=" + user + ", name=" + name + ", lang=" + lang
                    + ", version=" + version + ", protocol=" + protocol + ", jwt=" + (jwt.isEmpty() ? "" : "<set>")
                    + ", authToken=" + (authToken.isEmpty() ? "" : "<set>") + ", pass="
                    + (pass.isEmpty() ? "" : "<set>") + "]";
        }
    }

    /**
     * JSON {@code version}, {@code cipher}, {@code certs} (PEM), {@code verified_chains}.
     */
    public record ClientTls(String version, String cipher, List<String> certs, List<List<String>> verifiedChains) {
        public ClientTls {
            version = version == null ? "" : version;
            cipher = cipher == null ? "" : cipher;
            certs = certs == null ? List.of() : List.copyOf(certs);
            verifiedChains = verifiedChains == null ? List.of()
                    : verifiedChains.stream().map(List::copyOf).toList();
        }
    }
}
