package io.natrix.server.auth;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Hand-made tokens for decoder tests: any header and payload text, signed (or not) by any key, so each refusal can
 * be provoked on its own with everything else valid.
 */
final class JwtTokens {
    static final String HEADER = "{\"typ\":\"JWT\",\"alg\":\"ed25519-nkey\"}";

    private JwtTokens() {
    }

    static String b64(String text) {
        return b64(text.getBytes(StandardCharsets.UTF_8));
    }

    static String b64(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    static String unb64(String part) {
        return new String(Base64.getUrlDecoder().decode(part), StandardCharsets.UTF_8);
    }

    /** A token of the given header and payload JSON, signed by {@code signer} over "header.payload". */
    static String sign(NKeyPair signer, String headerJson, String payloadJson) {
        String input = b64(headerJson) + "." + b64(payloadJson);
        return input + "." + b64(signer.sign(input.getBytes(StandardCharsets.US_ASCII)));
    }

    /** A token with the standard header. */
    static String sign(NKeyPair signer, String payloadJson) {
        return sign(signer, HEADER, payloadJson);
    }

    /** A payload with the registered claims {@code iss} (the signer), {@code sub} and a {@code nats} object. */
    static String payload(NKeyPair issuer, String subject, String natsJson) {
        return "{\"jti\":\"ID\",\"iat\":1700000000,\"iss\":\"" + issuer.publicKey() + "\",\"name\":\"n\",\"sub\":\""
                + subject + "\",\"nats\":" + natsJson + "}";
    }

    /** A signed user token whose {@code nats} is {@code natsBody} plus type and version. */
    static String user(NKeyPair account, NKeyPair user, String natsBody) {
        String nats = "{" + natsBody + (natsBody.isEmpty() ? "" : ",") + "\"type\":\"user\",\"version\":2}";
        return sign(account, payload(account, user.publicKey(), nats));
    }

    /** A signed account token whose {@code nats} is {@code natsBody} plus type and version. */
    static String account(NKeyPair operator, NKeyPair account, String natsBody) {
        String nats = "{" + natsBody + (natsBody.isEmpty() ? "" : ",") + "\"type\":\"account\",\"version\":2}";
        return sign(operator, payload(operator, account.publicKey(), nats));
    }
}
