package io.natrix.nex.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.natrix.nex.api.StartWorkloadRequest;
import io.natrix.nex.cli.NexClient;
import io.natrix.server.NatsServer;
import io.natrix.server.auth.AccountClaims;
import io.natrix.server.auth.CredsFile;
import io.natrix.server.auth.JwtEncoder;
import io.natrix.server.auth.NKeyPair;
import io.natrix.server.auth.NKeyType;
import io.natrix.server.auth.OperatorClaims;
import io.natrix.server.auth.UserClaims;
import io.natrix.server.config.ConfigLoader;
import io.natrix.server.config.ServerOptions;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Workload credentials on an operator-mode server: the node mints a user per workload, signed by the account's
 * signing key; a jar workload connects with {@code NEX_WORKLOAD_NATS_*} and with {@code NATS_CREDS}, may publish
 * to its application's subjects, and may not publish to the Nex control subjects.
 */
class WorkloadCredentialsTest {

    @TempDir
    Path dir;

    @Test
    void workloadCredentialsAreMintedAndScoped() throws Exception {
        NKeyPair operator = NKeyPair.create(NKeyType.OPERATOR);
        NKeyPair sys = NKeyPair.create(NKeyType.ACCOUNT);
        NKeyPair app = NKeyPair.create(NKeyType.ACCOUNT);
        NKeyPair appSigner = NKeyPair.create(NKeyType.ACCOUNT);
        Path operatorJwt = dir.resolve("operator.jwt");
        Files.writeString(operatorJwt, JwtEncoder.encode(OperatorClaims.of(operator.publicKey(), "OP")
                .withSystemAccount(sys.publicKey()), operator));
        String sysJwt = JwtEncoder.encode(AccountClaims.of(sys.publicKey(), "SYS"), operator);
        String appJwt = JwtEncoder.encode(AccountClaims.of(app.publicKey(), "APP").withSigningKeys(
                Map.of(appSigner.publicKey(), AccountClaims.SigningKey.unscoped(appSigner.publicKey()))), operator);
        Path config = dir.resolve("server.conf");
        Files.writeString(config, "operator: \"" + operatorJwt + "\"\nsystem_account: " + sys.publicKey()
                + "\nauthorization { timeout: 10 }\nresolver: MEMORY\nresolver_preload: {\n  " + sys.publicKey()
                + ": \"" + sysJwt + "\"\n  " + app.publicKey() + ": \"" + appJwt + "\"\n}\n");
        ServerOptions.Builder b = ConfigLoader.load(config);
        b.host = "127.0.0.1";
        b.port = ServerOptions.RANDOM_PORT;
        try (NatsServer server = new NatsServer(b.build())) {
            server.start();
            await().atMost(Duration.ofSeconds(30)).until(server::ready);
            String url = "nats://127.0.0.1:" + server.port();
            NKeyPair nodeUser = NKeyPair.create(NKeyType.USER);
            Path nodeCreds = dir.resolve("node.creds");
            Files.writeString(nodeCreds, CredsFile.format(JwtEncoder.encode(UserClaims.of(nodeUser.publicKey(), "node"),
                    app), nodeUser.seed()));
            try (Connection nc = Nats.connect(new Options.Builder().server(url).maxReconnects(0)
                    .connectionTimeout(Duration.ofSeconds(20)).authHandler(Nats.credentials(nodeCreds.toString())).build())) {
                List<String> seen = new CopyOnWriteArrayList<>();
                Dispatcher d = nc.createDispatcher(m -> seen.add(m.getSubject() + " " + new String(m.getData(),
                        StandardCharsets.UTF_8)));
                d.subscribe("app.>");
                d.subscribe("$NEX.SVC.default.control.PING");
                List<String> feed = new CopyOnWriteArrayList<>();
                nc.createDispatcher(m -> feed.add(m.getSubject() + " " + new String(m.getData(), StandardCharsets.UTF_8)))
                        .subscribe("$NEX.FEED.>");
                nc.flush(Duration.ofSeconds(10));

                NodeConfig.Builder nb = NodeConfig.builder();
                nb.nodeName = "creds";
                nb.dataDir = dir.resolve("node");
                nb.issuerAccount = app.publicKey();
                nb.issuerSeed = appSigner.seed();
                nb.workloadTypes = List.of("jvm");
                try (NexNode node = NexNode.start(nb.build(), nc, nc)) {
                    Path jar = workloadJar();
                    new NexClient(nc, "default", Duration.ofSeconds(30)).deploy(node.id(), new StartWorkloadRequest(
                            "greeter", null, null, "jvm", "job", jar.toUri().toString(), null, null, null, null, null,
                            null));
                    await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(seen).as(feed.toString())
                            .contains("app.creds via NATS_CREDS"));
                    nc.flush(Duration.ofSeconds(10));
                    assertThat(seen).containsExactly("app.greeting hello from the workload", "app.creds via NATS_CREDS");
                }
            }
        }
    }

    /** A jar that connects with the minted credentials both ways and publishes (one of them forbidden). */
    private Path workloadJar() throws Exception {
        Path src = dir.resolve("src/Greeter.java");
        Files.createDirectories(src.getParent());
        Files.writeString(src, """
                import io.nats.client.*;
                public class Greeter {
                    public static void main(String[] args) throws Exception {
                        String url = System.getenv("NEX_WORKLOAD_NATS_URL");
                        String jwt = new String(java.util.Base64.getDecoder().decode(System.getenv("NEX_WORKLOAD_NATS_B64_JWT")));
                        Options o = new Options.Builder().server(url).maxReconnects(0)
                                .authHandler(Nats.staticCredentials(jwt.toCharArray(), System.getenv("NEX_WORKLOAD_NATS_NKEY").toCharArray()))
                                .build();
                        try (Connection nc = Nats.connect(o)) {
                            nc.publish("$NEX.SVC.default.control.PING", "sneaky".getBytes());
                            nc.publish("app.greeting", "hello from the workload".getBytes());
                            nc.flush(java.time.Duration.ofSeconds(10));
                        }
                        Options c = new Options.Builder().server(url).maxReconnects(0)
                                .authHandler(Nats.credentials(System.getenv("NATS_CREDS"))).build();
                        try (Connection nc = Nats.connect(c)) {
                            nc.publish("app.creds", "via NATS_CREDS".getBytes());
                            nc.flush(java.time.Duration.ofSeconds(10));
                        }
                        System.out.println("done");
                    }
                }
                """);
        Path jnats = Path.of(Nats.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        assertThat(ToolProvider.getSystemJavaCompiler().run(null, null, null, "-cp", jnats.toString(), "-d",
                dir.resolve("classes").toString(), src.toString())).isZero();
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, "Greeter");
        Path bouncyCastle = Path.of(org.bouncycastle.crypto.CipherParameters.class.getProtectionDomain().getCodeSource()
                .getLocation().toURI());
        manifest.getMainAttributes().put(Attributes.Name.CLASS_PATH, jnats.toUri() + " " + bouncyCastle.toUri());
        Path jar = dir.resolve("greeter.jar");
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file, manifest)) {
            out.putNextEntry(new JarEntry("Greeter.class"));
            out.write(Files.readAllBytes(dir.resolve("classes/Greeter.class")));
            out.closeEntry();
        }
        return jar;
    }
}
