package io.natrix.server.auth;

import static io.natrix.server.auth.AuthFixtures.NOW;
import static io.natrix.server.auth.AuthFixtures.clock;
import static io.natrix.server.auth.AuthFixtures.key;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.natrix.server.auth.AccountClaims.SigningKey;
import io.natrix.server.auth.AccountClaims.UserScope;
import io.natrix.server.auth.JwtPermissions.Permission;
import io.natrix.server.auth.UserPermissionLimits.TimeRange;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Seeded random tokens for the decoder, creds files for their parser and bytes for the JSON reader: nothing but
 * {@link JwtException} (or {@link CredsFile.CredsException}) may come out, and every token that is accepted must
 * survive re-issuing unchanged. Payload mutations are signed with a real key so they reach the claims reader instead
 * of stopping at the signature. A failure names the seed that reproduces it.
 */
class JwtFuzzTest {
    private static final long SEED = 0x5EED_0002L;
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private static final NKeyPair OPERATOR = key(NKeyType.OPERATOR, 500);
    private static final NKeyPair ACCOUNT = key(NKeyType.ACCOUNT, 501);
    private static final NKeyPair USER = key(NKeyType.USER, 502);
    private static final NKeyPair SERVER = key(NKeyType.SERVER, 503);
    private static final NKeyPair[] SIGNERS = {OPERATOR, ACCOUNT, USER, SERVER};

    private static final String[] STRINGS = {"", "a", "a.b", ">", "a.*", "a b", "..", "stream", "service",
        "user_scope", "headers", "10.0.0.0/8", "::1/128", "08:00:00", "23:59:59", "UTC", "Europe/Paris", "user",
        "account", "operator", "activation", "Singleton", "Chunked", "system", "owner", "*", "nats://h:4222",
        "1.2.3", "{{name()}}.x", "\u00e9\u4e2d", OPERATOR.publicKey(), ACCOUNT.publicKey(), USER.publicKey(),
        SERVER.publicKey(), key(NKeyType.ACCOUNT, 504).publicKey()};

    private static List<String> baseTokens() {
        UserPermissionLimits rich = new UserPermissionLimits(
                new JwtPermissions(new Permission(List.of("a.>"), List.of("a.b")), new Permission(List.of("c q"),
                        List.of()), new JwtPermissions.ResponsePermission(1, 5)), List.of("10.0.0.0/8"),
                List.of(new TimeRange("01:00:00", "02:00:00")), "UTC", 1, 2, 3, false, false, List.of("STANDARD"));
        NKeyPair scoped = key(NKeyType.ACCOUNT, 505);
        AccountClaims account = AccountClaims.of(ACCOUNT.publicKey(), "acc")
                .withSigningKeys(Map.of(scoped.publicKey(), new SigningKey(scoped.publicKey(),
                        new UserScope(scoped.publicKey(), "r", rich, "d"))))
                .withExports(List.of(AccountClaims.Export.of("x.>", ExportType.SERVICE)))
                .withImports(List.of(AccountClaims.Import.of("y.>", OPERATOR.publicKey(), ExportType.STREAM)))
                .withRevocations(Map.of(USER.publicKey(), 5L));
        return List.of(
                JwtEncoder.encode(new UserClaims(ClaimsData.of(USER.publicKey(), "u"), rich, "", List.of("t:1")),
                        ACCOUNT, clock()),
                JwtEncoder.encode(account, OPERATOR, clock()),
                JwtEncoder.encode(OperatorClaims.of(OPERATOR.publicKey(), "op").withSystemAccount(ACCOUNT.publicKey()),
                        OPERATOR, clock()),
                JwtEncoder.encode(new ActivationClaims(ClaimsData.of(ACCOUNT.publicKey(), "a"), "s.>",
                        ExportType.STREAM, "", List.of()), OPERATOR, clock()));
    }

    @Test
    void jwtFuzzMutatedTokensOnlyThrowJwtException() {
        List<String> tokens = baseTokens();
        String alphabet = "ABCxyz0189-_.=+/ \u00e9";
        for (int i = 0; i < 3000; i++) {
            long seed = SEED + i;
            Random random = new Random(seed);
            StringBuilder sb = new StringBuilder(tokens.get(random.nextInt(tokens.size())));
            int edits = 1 + random.nextInt(4);
            for (int e = 0; e < edits; e++) {
                int at = random.nextInt(sb.length() + 1);
                char c = alphabet.charAt(random.nextInt(alphabet.length()));
                switch (random.nextInt(5)) {
                    case 0 -> {
                        if (at < sb.length()) {
                            sb.setCharAt(at, c);
                        }
                    }
                    case 1 -> sb.insert(at, c);
                    case 2 -> sb.delete(at, Math.min(sb.length(), at + 1 + random.nextInt(8)));
                    case 3 -> sb.setLength(at);
                    default -> sb.insert(at, sb.substring(random.nextInt(Math.max(1, at)), at));
                }
            }
            decodeExpectingOnlyJwtException(sb.toString(), seed);
        }
    }

    @Test
    void jwtFuzzSignedPayloadMutationsOnlyThrowJwtExceptionAndAcceptedClaimsReissueUnchanged() throws Exception {
        List<JsonNode> payloads = new ArrayList<>();
        for (String token : baseTokens()) {
            payloads.add(MAPPER.readTree(JwtTokens.unb64(token.split("\\.")[1])));
        }
        int accepted = 0;
        for (int i = 0; i < 2500; i++) {
            long seed = SEED + 10_000 + i;
            Random random = new Random(seed);
            JsonNode payload = payloads.get(random.nextInt(payloads.size())).deepCopy();
            int mutations = 1 + random.nextInt(3);
            for (int m = 0; m < mutations; m++) {
                mutate(payload, random, 0);
            }
            NKeyPair signer = random.nextInt(10) == 0 ? SIGNERS[random.nextInt(SIGNERS.length)]
                    : signerNamedIn(payload);
            String jwt = JwtTokens.sign(signer, MAPPER.writeValueAsString(payload));
            JwtClaims claims = decodeExpectingOnlyJwtException(jwt, seed);
            // The decoder, like Go's, reads tokens without a subject where the type does not constrain it; the
            // encoder, like Go's, refuses to issue them.
            if (claims != null && !claims.data().subject().isEmpty()) {
                accepted++;
                try {
                    String reissued = JwtEncoder.encode(claims, signer, clock());
                    JwtClaims again = JwtDecoder.decodeIgnoringTime(reissued);
                    assertThat(again).isEqualTo(JwtEncoderTest.issued(claims, signer, again.data().id()));
                } catch (RuntimeException | AssertionError e) {
                    fail("seed " + seed + ": accepted claims did not re-issue unchanged: " + e, e);
                }
            }
        }
        // The mutations are mild enough that a good share stays acceptable, so the round trip is really exercised.
        assertThat(accepted).isGreaterThan(300);
    }

    @Test
    void jwtFuzzRandomBytesOnlyThrowJwtExceptionFromTheJsonReader() {
        byte[] valid = "{\"a\":[1,2,{\"b\":\"c\"}],\"d\":null,\"e\":true,\"f\":-1.5e3}".getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < 5000; i++) {
            long seed = SEED + 20_000 + i;
            Random random = new Random(seed);
            byte[] input;
            if (random.nextBoolean()) {
                input = new byte[random.nextInt(64)];
                random.nextBytes(input);
            } else {
                input = valid.clone();
                for (int f = 0; f < 1 + random.nextInt(3); f++) {
                    input[random.nextInt(input.length)] = (byte) random.nextInt(256);
                }
            }
            try {
                GoJson.parseObject(input, "fuzz");
            } catch (JwtException expected) {
                // Malformed JSON is reported this way and no other.
            } catch (RuntimeException | Error e) {
                fail("seed " + seed + ": " + e, e);
            }
        }
    }

    @Test
    void jwtFuzzCredsTextOnlyThrowsCredsException() {
        String jwt = baseTokens().get(0);
        String[] fragments = {"-----BEGIN NATS USER JWT-----", "------END NATS USER JWT------",
            "-----BEGIN USER NKEY SEED-----", "------END USER NKEY SEED------", "---", "------", jwt,
            USER.seed(), USER.publicKey(), "", " ", "****", "text", "\t", "a.b.c", "SU", "\uFEFF"};
        String[] separators = {"\n", "\r\n", "\r", "", " "};
        for (int i = 0; i < 3000; i++) {
            long seed = SEED + 30_000 + i;
            Random random = new Random(seed);
            StringBuilder sb = new StringBuilder();
            for (int p = random.nextInt(12); p > 0; p--) {
                sb.append(fragments[random.nextInt(fragments.length)]).append(separators[random.nextInt(separators.length)]);
            }
            try {
                CredsFile.Creds creds = CredsFile.parse(sb.toString());
                assertThat(creds.keyPair()).isNotNull();
            } catch (CredsFile.CredsException expected) {
                // Unusable text is reported this way and no other.
            } catch (RuntimeException | AssertionError e) {
                fail("seed " + seed + ": " + e, e);
            }
        }
    }

    private static JwtClaims decodeExpectingOnlyJwtException(String jwt, long seed) {
        try {
            return JwtDecoder.decodeIgnoringTime(jwt);
        } catch (JwtException expected) {
            return null;
        } catch (RuntimeException | Error e) {
            fail("seed " + seed + ": " + e, e);
            return null;
        }
    }

    private static NKeyPair signerNamedIn(JsonNode payload) {
        String issuer = payload.path("iss").asText("");
        for (NKeyPair pair : SIGNERS) {
            if (pair.publicKey().equals(issuer)) {
                return pair;
            }
        }
        return ACCOUNT;
    }

    /** One random change somewhere in the tree: replace, remove, add or re-case a member, or edit an array. */
    private static void mutate(JsonNode node, Random random, int depth) {
        if (node instanceof ObjectNode object && object.size() > 0) {
            List<String> names = new ArrayList<>();
            object.fieldNames().forEachRemaining(names::add);
            String name = names.get(random.nextInt(names.size()));
            JsonNode child = object.get(name);
            if ((child.isContainerNode()) && random.nextInt(3) > 0 && depth < 8) {
                mutate(child, random, depth + 1);
                return;
            }
            switch (random.nextInt(5)) {
                case 0 -> object.set(name, randomValue(random, 0));
                case 1 -> object.remove(name);
                case 2 -> object.set(STRINGS[random.nextInt(STRINGS.length)].isEmpty() ? "x" : name + "_", child);
                case 3 -> {
                    object.remove(name);
                    object.set(name.toUpperCase(java.util.Locale.ROOT), child);
                }
                default -> object.set(name, randomLike(child, random));
            }
        } else if (node instanceof ArrayNode array) {
            if (array.isEmpty() || random.nextBoolean()) {
                array.add(array.isEmpty() ? randomValue(random, 0) : array.get(random.nextInt(array.size())).deepCopy());
            } else {
                int index = random.nextInt(array.size());
                JsonNode child = array.get(index);
                if (child.isContainerNode() && random.nextBoolean() && depth < 8) {
                    mutate(child, random, depth + 1);
                } else {
                    array.set(index, random.nextBoolean() ? randomLike(child, random) : randomValue(random, 0));
                }
            }
        }
    }

    /** A value of the same JSON kind as {@code like}, so the mutation often stays type-correct. */
    private static JsonNode randomLike(JsonNode like, Random random) {
        if (like.isTextual()) {
            return NODES.textNode(STRINGS[random.nextInt(STRINGS.length)]);
        }
        if (like.isIntegralNumber()) {
            long[] numbers = {0, 1, -1, 2, 100, 255, 256, Long.MAX_VALUE, Long.MIN_VALUE, NOW.getEpochSecond()};
            return NODES.numberNode(numbers[random.nextInt(numbers.length)]);
        }
        if (like.isBoolean()) {
            return NODES.booleanNode(random.nextBoolean());
        }
        return randomValue(random, 0);
    }

    private static JsonNode randomValue(Random random, int depth) {
        switch (random.nextInt(depth > 2 ? 6 : 8)) {
            case 0:
                return NODES.nullNode();
            case 1:
                return NODES.booleanNode(random.nextBoolean());
            case 2:
                return NODES.numberNode(random.nextInt(300) - 2);
            case 3:
                return NODES.numberNode(random.nextDouble());
            case 4:
            case 5:
                return NODES.textNode(STRINGS[random.nextInt(STRINGS.length)]);
            case 6: {
                ArrayNode array = NODES.arrayNode();
                for (int i = random.nextInt(4); i > 0; i--) {
                    array.add(randomValue(random, depth + 1));
                }
                return array;
            }
            default: {
                ObjectNode object = NODES.objectNode();
                for (int i = random.nextInt(4); i > 0; i--) {
                    object.set(STRINGS[random.nextInt(STRINGS.length)], randomValue(random, depth + 1));
                }
                return object;
            }
        }
    }
}
