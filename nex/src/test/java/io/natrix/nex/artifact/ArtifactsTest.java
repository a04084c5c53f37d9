package io.natrix.nex.artifact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.natrix.nex.NexHarness;
import io.nats.client.Connection;
import io.nats.client.ObjectStore;
import io.nats.client.api.ObjectMeta;
import io.nats.client.api.ObjectStoreConfiguration;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Artifacts from file:// and nats:// URIs, with their SHA-256 checked. */
class ArtifactsTest {

    @TempDir
    Path dir;

    NexHarness nex;
    Connection nc;

    @BeforeEach
    void start() {
        nex = NexHarness.start(dir);
        nc = nex.connect();
    }

    @AfterEach
    void stop() {
        nex.close();
    }

    @Test
    void artifactsFromFileAndObjectStoreWithHashes() throws Exception {
        Path source = dir.resolve("hello.sh");
        Files.writeString(source, "echo hello\n");
        String sha = Artifacts.sha256Of(source);
        Artifacts artifacts = new Artifacts(nc);

        Artifacts.Fetched local = artifacts.fetch(source.toUri().toString(), sha, dir.resolve("a/one"));
        assertThat(local.sha256()).isEqualTo(sha);
        assertThat(Files.readString(local.path())).isEqualTo("echo hello\n");

        nc.objectStoreManagement().create(ObjectStoreConfiguration.builder("ART").build());
        ObjectStore store = nc.objectStore("ART");
        store.put(ObjectMeta.objectName("hello"), new ByteArrayInputStream("echo hello\n".getBytes(StandardCharsets.UTF_8)));
        Artifacts.Fetched remote = artifacts.fetch("nats://ART/hello", sha.toUpperCase(), dir.resolve("b/two"));
        assertThat(Files.readString(remote.path())).isEqualTo("echo hello\n");

        assertThatThrownBy(() -> artifacts.fetch("nats://ART/hello", "00" + sha.substring(2), dir.resolve("c/three")))
                .isInstanceOf(ArtifactException.class).hasMessageContaining("has sha256 " + sha + ", expected 00");
        assertThat(dir.resolve("c/three")).doesNotExist();
        assertThatThrownBy(() -> artifacts.fetch("nats://ART/nope", null, dir.resolve("d/x")))
                .hasMessage("artifact nats://ART/nope not found: no object nope in ART");
        assertThatThrownBy(() -> artifacts.fetch("nats://NOBUCKET/x", null, dir.resolve("d/x")))
                .hasMessage("artifact nats://NOBUCKET/x not found: no object store NOBUCKET");
        assertThatThrownBy(() -> artifacts.fetch("file:///no/such/file", null, dir.resolve("d/x")))
                .hasMessageContaining("not found");
        assertThatThrownBy(() -> artifacts.fetch("ftp://example/x", null, dir.resolve("d/x")))
                .hasMessageContaining("unsupported artifact uri");
    }
}
