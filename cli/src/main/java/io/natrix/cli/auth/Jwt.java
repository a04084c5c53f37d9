package io.natrix.cli.auth;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.natrix.cli.CliException;
import io.natrix.cli.output.Json;
import io.nats.client.NKey;
import io.nats.client.support.Encoding;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Iterator;
import java.util.Map;

/**
 * NATS JWTs: issuing (signing) and reading (checking the signature) the operator, account and user tokens of
 * decentralized security.
 *
 * <pre>
 * base64url(header) "." base64url(payload) "." base64url(ed25519 signature of the first two parts)
 * header  = {"typ":"JWT","alg":"ed25519-nkey"}
 * payload = {"aud"?, "exp"?, "jti", "iat", "iss", "name"?, "nbf"?, "sub", "nats": {..., "type", "version": 2}}
 * </pre>
 *
 * Issuing fills in what the issuer decides, as nats-io/jwt's {@code Encode} does: {@code iss} is the signer's
 * public key, {@code iat} the current second, and {@code jti} the unpadded base32 SHA-512/256 of the registered
 * claims (everything but {@code nats}) written as Go writes them with {@code jti} left out. jnats's
 * {@code JwtUtils} hashes differently (SHA-256 of the whole claim), so the tokens here are issued by this class for
 * all three types, keeping ids comparable with nsc's. Stateless and thread-safe.
 */
final class Jwt {

    static final String HEADER = base64Url("{\"typ\":\"JWT\",\"alg\":\"ed25519-nkey\"}"
            .getBytes(StandardCharsets.US_ASCII));

    /** The longest token read (a generous bound on account JWTs with many imports and revocations). */
    static final int LENGTH_MAX = 1 << 20;

    private Jwt() {
    }

    /**
     * Signs {@code claims} with {@code signer}: the registered claims {@code aud}, {@code exp}, {@code name},
     * {@code nbf} and {@code sub} and the {@code nats} object are taken from {@code claims}; {@code jti},
     * {@code iat} and {@code iss} are set here.
     */
    static String issue(ObjectNode claims, NKey signer, long nowSeconds) {
        String issuer;
        try {
            issuer = new String(signer.getPublicKey());
        } catch (GeneralSecurityException | IOException e) {
            throw new CliException("cannot use the signing key: " + e.getMessage(), e);
        }
        ObjectNode registered = registered(claims, "", nowSeconds, issuer);
        String id = hash(GoJson.write(registered));
        ObjectNode payload = registered(claims, id, nowSeconds, issuer);
        JsonNode nats = claims.get("nats");
        if (nats != null) {
            payload.set("nats", nats);
        }
        String signingInput = HEADER + "." + base64Url(GoJson.write(payload).getBytes(StandardCharsets.UTF_8));
        try {
            byte[] signature = signer.sign(signingInput.getBytes(StandardCharsets.US_ASCII));
            return signingInput + "." + base64Url(signature);
        } catch (GeneralSecurityException | IOException e) {
            throw new CliException("cannot sign the JWT: " + e.getMessage(), e);
        }
    }

    /** The registered claims in nats-io/jwt's field order, with Go's omitempty; {@code jti} only when non-empty. */
    private static ObjectNode registered(ObjectNode claims, String id, long issuedAt, String issuer) {
        ObjectNode node = Json.MAPPER.createObjectNode();
        String audience = claims.path("aud").asText("");
        if (!audience.isEmpty()) {
            node.put("aud", audience);
        }
        long expires = claims.path("exp").asLong(0);
        if (expires != 0) {
            node.put("exp", expires);
        }
        if (!id.isEmpty()) {
            node.put("jti", id);
        }
        node.put("iat", issuedAt);
        node.put("iss", issuer);
        String name = claims.path("name").asText("");
        if (!name.isEmpty()) {
            node.put("name", name);
        }
        long notBefore = claims.path("nbf").asLong(0);
        if (notBefore != 0) {
            node.put("nbf", notBefore);
        }
        node.put("sub", claims.path("sub").asText(""));
        return node;
    }

    private static String hash(String registeredJson) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-512/256")
                    .digest(registeredJson.getBytes(StandardCharsets.UTF_8));
            return new String(Encoding.base32Encode(digest)).replace("=", "");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks SHA-512/256", e);
        }
    }

    /**
     * The claims of a token whose signature checks out against its issuer; anything else is a one-line error
     * naming {@code what} (a file, an account).
     */
    static ObjectNode decode(String token, String what) {
        String text = token.strip();
        if (text.length() > LENGTH_MAX) {
            throw new CliException("invalid JWT in " + what + ": longer than " + LENGTH_MAX + " characters");
        }
        String[] parts = text.split("\\.", -1);
        if (parts.length != 3) {
            throw new CliException("invalid JWT in " + what + ": expected 3 parts separated by '.'");
        }
        JsonNode header;
        JsonNode payload;
        byte[] signature;
        try {
            header = Json.MAPPER.readTree(Base64.getUrlDecoder().decode(parts[0]));
            payload = Json.MAPPER.readTree(Base64.getUrlDecoder().decode(parts[1]));
            signature = Base64.getUrlDecoder().decode(parts[2]);
        } catch (JsonProcessingException e) {
            throw new CliException("invalid JWT in " + what + ": " + e.getOriginalMessage());
        } catch (IOException | IllegalArgumentException e) {
            throw new CliException("invalid JWT in " + what + ": " + e.getMessage());
        }
        String alg = header.path("alg").asText("");
        if (!header.path("typ").asText("").equalsIgnoreCase("JWT")
                || !(alg.equals("ed25519-nkey") || alg.equals("ed25519"))) {
            throw new CliException("invalid JWT in " + what + ": not an ed25519-nkey JWT");
        }
        if (!(payload instanceof ObjectNode claims)) {
            throw new CliException("invalid JWT in " + what + ": the claims are not a JSON object");
        }
        String issuer = claims.path("iss").asText("");
        boolean valid;
        try {
            NKey key = NKey.fromPublicKey(issuer.toCharArray());
            valid = key.verify((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII), signature);
        } catch (IllegalArgumentException | GeneralSecurityException | IOException e) {
            throw new CliException("invalid JWT in " + what + ": bad issuer \"" + issuer + "\"");
        }
        if (!valid) {
            throw new CliException("invalid JWT in " + what + ": the signature does not match the issuer");
        }
        return claims;
    }

    /** A copy of {@code claims} without the fields {@link #issue} sets, ready to be changed and issued again. */
    static ObjectNode reissuable(ObjectNode claims) {
        ObjectNode copy = Json.MAPPER.createObjectNode();
        for (Iterator<Map.Entry<String, JsonNode>> it = claims.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            if (!field.getKey().equals("jti") && !field.getKey().equals("iat") && !field.getKey().equals("iss")) {
                copy.set(field.getKey(), field.getValue().deepCopy());
            }
        }
        return copy;
    }

    private static String base64Url(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
