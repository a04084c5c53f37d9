package io.natrix.nex.artifact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.natrix.nex.FeedRecorder;
import io.natrix.nex.NexHarness;
import io.natrix.nex.api.NexEvent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code oci://} artifacts from a registry on loopback: the node runs the layer whose annotations match both its
 * OS and CPU; bearer tokens, missing tags, missing layers and corrupt blobs.
 */
class OciArtifactTest {

    @TempDir
    Path dir;

    NexHarness nex;
    TestRegistry registry;

    @BeforeEach
    void start() throws Exception {
        nex = NexHarness.start(dir);
        registry = new TestRegistry(true);
    }

    @AfterEach
    void stop() {
        registry.close();
        nex.close();
    }

    private static byte[] script(String text) {
        return ("#!/bin/sh\necho " + text + "\n").getBytes(StandardCharsets.UTF_8);
    }

    /** The other CPU with this OS, and this CPU with another OS: layers that must not be taken. */
    private static List<TestRegistry.Layer> bundle(byte[] mine) {
        String os = Platform.os();
        String arch = Platform.arch();
        String otherArch = arch.equals("amd64") ? "arm64" : "amd64";
        String otherOs = os.equals("linux") ? "darwin" : "linux";
        return List.of(new TestRegistry.Layer(os, otherArch, script("wrong-arch")),
                new TestRegistry.Layer(otherOs, arch, script("wrong-os")),
                new TestRegistry.Layer(os, arch, mine));
    }

    @Test
    void ociBundleRunsTheLayerForThisPlatform() throws Exception {
        registry.push("nex/counter", "multi", bundle(script("counter-" + Platform.os() + "-" + Platform.arch())));
        nex.node("oci");
        FeedRecorder feed = new FeedRecorder(nex.connect(), "default");

        NexHarness.Result r = nex.run("nex", "run", "oci://" + registry.host() + "/nex/counter:multi", "--lifecycle", "job");
        assertThat(r.status()).as(r.toString()).isZero();
        assertThat(r.out()).startsWith("Workload counter (");
        Matcher m = Pattern.compile("\\((\\w+)\\)").matcher(r.out());
        assertThat(m.find()).isTrue();
        String wid = m.group(1);
        await().atMost(Duration.ofSeconds(30)).until(() -> !feed.events(NexEvent.WORKLOAD_STOPPED, wid).isEmpty());
        assertThat(feed.texts(wid, "stdout")).containsExactly("counter-" + Platform.os() + "-" + Platform.arch());
    }

    @Test
    void ociBadReferencesAreClearErrors() throws Exception {
        Artifacts artifacts = new Artifacts(null);
        String base = "oci://" + registry.host();
        assertThatThrownBy(() -> artifacts.fetch(base + "/nex/none:1", null, dir.resolve("a/x")))
                .isInstanceOf(ArtifactException.class)
                .hasMessage("artifact " + base + "/nex/none:1 not found (registry answered 404 for /v2/nex/none/manifests/1)");

        registry.push("nex/elsewhere", "1", List.of(new TestRegistry.Layer("plan9", "mips", script("x"))));
        assertThatThrownBy(() -> artifacts.fetch(base + "/nex/elsewhere:1", null, dir.resolve("b/x")))
                .hasMessage("artifact " + base + "/nex/elsewhere:1 has no layer for " + Platform.os() + "/"
                        + Platform.arch() + " (it has plan9/mips)");

        byte[] good = script("good");
        registry.push("nex/corrupt", "latest", bundle(good));
        registry.corrupt(good, script("evil"));
        assertThatThrownBy(() -> artifacts.fetch(base + "/nex/corrupt", null, dir.resolve("c/x")))
                .hasMessageContaining("layer has sha256 " + TestRegistry.sha256(script("evil")));
        assertThat(dir.resolve("c/x")).doesNotExist();

        byte[] fine = script("fine");
        registry.push("nex/fine", "v1", bundle(fine));
        Artifacts.Fetched fetched = artifacts.fetch(base + "/nex/fine:v1", TestRegistry.sha256(fine), dir.resolve("d/x"));
        assertThat(Files.readAllBytes(fetched.path())).isEqualTo(fine);
    }

    @Test
    void workloadBundlePushesALayerPerPlatformThatRunDeploys() throws Exception {
        String mine = Platform.os() + "/" + Platform.arch();
        Path script = dir.resolve("counter.sh");
        Files.write(script, script("counted"));
        byte[] elf = new byte[64];
        elf[0] = 0x7f;
        elf[1] = 'E';
        elf[2] = 'L';
        elf[3] = 'F';
        elf[5] = 1; // little-endian
        boolean arm = Platform.arch().equals("arm64");
        elf[18] = (byte) (arm ? 0x3e : 0xb7); // the other CPU, so it is never picked here
        Path other = dir.resolve("counter-other");
        Files.write(other, elf);
        String otherPlatform = "linux/" + (arm ? "amd64" : "arm64");

        NexHarness.Result dry = nex.run("nex", "workload", "bundle", "--binaries", mine + "=" + script + "," + other,
                "--name", "nex/counter");
        assertThat(dry.status()).as(dry.toString()).isZero();
        assertThat(dry.out()).contains("\"artifactType\" : \"application/nex-workload\"")
                .contains("\"os\" : \"" + Platform.os() + "\"").contains("\"arch\" : \"" + (arm ? "amd64" : "arm64") + "\"");

        NexHarness.Result pushed = nex.run("nex", "workload", "build", "--binaries", mine + "=" + script,
                "--binaries", other.toString(), "--push", "--registry", registry.host(), "--name", "nex/counter",
                "--tag", "multi");
        assertThat(pushed.status()).as(pushed.toString()).isZero();
        assertThat(pushed.out()).startsWith("Pushed oci://" + registry.host() + "/nex/counter:multi (" + mine + ", "
                + otherPlatform + "), manifest sha256:");

        nex.node("counter");
        FeedRecorder feed = new FeedRecorder(nex.connect(), "default");
        NexHarness.Result r = nex.run("nex", "run", "oci://" + registry.host() + "/nex/counter:multi", "--lifecycle", "job");
        assertThat(r.status()).as(r.toString()).isZero();
        Matcher m = Pattern.compile("\\((\\w+)\\)").matcher(r.out());
        assertThat(m.find()).isTrue();
        String wid = m.group(1);
        await().atMost(Duration.ofSeconds(30)).until(() -> feed.texts(wid, "stdout").contains("counted"));

        NexHarness.Result unknown = nex.run("nex", "workload", "bundle", "--binaries", script.toString(), "--name", "x");
        assertThat(unknown.err()).isEqualTo("natrix: error: cannot tell the OS and CPU of " + script
                + ": name them as os/arch=" + script + "\n");
    }
}
