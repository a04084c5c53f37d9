package io.natrix.server;

import static io.natrix.server.OperatorFixture.bytes;
import static io.natrix.server.OperatorFixture.connect;
import static io.natrix.server.OperatorFixture.flush;
import static io.natrix.server.OperatorFixture.next;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.natrix.server.OperatorFixture.TestAccount;
import io.natrix.server.auth.AccountClaims;
import io.natrix.server.auth.ExportType;
import io.nats.client.Connection;
import io.nats.client.Subscription;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Message tracing settings that come from account JWTs: the account's {@code trace} (destination and sampling for
 * {@code traceparent} headers) and an import's {@code allow_trace}.
 */
class OperatorModeMsgTraceTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SAMPLED = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    @TempDir
    Path dir;

    @Test
    void msgTraceAccountTraceClaimAndImportAllowTrace() throws Exception {
        OperatorFixture f = new OperatorFixture(dir);
        TestAccount exporter = f.account("EXP").update(c -> c.withExports(List.of(
                AccountClaims.Export.of("news.>", ExportType.STREAM))));
        TestAccount importer = f.account("IMP").update(c -> c.withImports(List.of(
                new AccountClaims.Import("", "news.>", exporter.publicKey(), "", "", "", ExportType.STREAM, false,
                        true))));
        importer.claims = new AccountClaims(importer.claims.data(), importer.claims.imports(),
                importer.claims.exports(), importer.claims.limits(), importer.claims.signingKeys(),
                importer.claims.revocations(), importer.claims.defaultPermissions(), importer.claims.mappings(),
                importer.claims.authorization(), new AccountClaims.MsgTrace("imp.trace", 0),
                importer.claims.clusterTraffic(), importer.claims.description(), importer.claims.infoUrl(),
                importer.claims.tags());
        try (TestServer server = f.start(f.memoryConfig(exporter, importer));
             Connection pub = connect(server, exporter.user("pub").creds());
             Connection sub = connect(server, importer.user("sub").creds())) {
            Subscription exporterTraces = pub.subscribe("exp.trace");
            Subscription importerTraces = sub.subscribe("imp.trace");
            Subscription news = sub.subscribe("news.>");
            flush(pub, sub);

            pub.publish(NatsMessage.builder().subject("news.x").data(bytes("hi"))
                    .headers(new Headers().add("Nats-Trace-Dest", "exp.trace")).build());
            JsonNode e = JSON.readTree(next(exporterTraces).getData());
            List<String> types = new ArrayList<>();
            e.path("events").forEach(ev -> types.add(ev.path("type").asText()));
            assertThat(types).containsExactly("in", "se", "eg");
            assertThat(e.path("events").get(0).path("acc").asText()).isEqualTo(exporter.publicKey());
            assertThat(e.path("events").get(1).path("acc").asText()).isEqualTo(importer.publicKey());
            assertThat(e.path("events").get(1).path("to").asText()).isEqualTo("news.x");
            assertThat(e.path("events").get(2).path("acc").asText()).as("the import allows tracing")
                    .isEqualTo(importer.publicKey());
            assertThat(next(news).getSubject()).isEqualTo("news.x");

            sub.publish(NatsMessage.builder().subject("local").data(bytes("w3c"))
                    .headers(new Headers().add("traceparent", SAMPLED)).build());
            JsonNode w3c = JSON.readTree(next(importerTraces).getData());
            assertThat(w3c.path("events").get(0).path("subj").asText())
                    .as("the JWT's trace destination, sampling 0 meaning all").isEqualTo("local");
        }
    }
}
