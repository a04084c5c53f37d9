package io.natrix.nex.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.natrix.nex.FeedRecorder;
import io.natrix.nex.NexHarness;
import io.natrix.nex.api.NexEvent;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A jar deployed with {@code nex run app.jar} runs as {@code java -jar} with its argv and environment. */
class JvmWorkloadTest {

    @TempDir
    Path dir;

    NexHarness nex;

    @BeforeEach
    void start() {
        nex = NexHarness.start(dir);
    }

    @AfterEach
    void stop() {
        nex.close();
    }

    /** Compiles a one-class program and packs it as a runnable jar. */
    private Path jar(String source) throws Exception {
        Path src = dir.resolve("src/Hello.java");
        Files.createDirectories(src.getParent());
        Files.writeString(src, source);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertThat(javac.run(null, null, null, "-d", dir.resolve("classes").toString(), src.toString())).isZero();
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, "Hello");
        Path jar = dir.resolve("hello.jar");
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file, manifest)) {
            out.putNextEntry(new JarEntry("Hello.class"));
            out.write(Files.readAllBytes(dir.resolve("classes/Hello.class")));
            out.closeEntry();
        }
        return jar;
    }

    @Test
    void jvmJarRunsAsAJob() throws Exception {
        nex.node("jvm");
        FeedRecorder feed = new FeedRecorder(nex.connect(), "default");
        Path jar = jar("""
                public class Hello {
                    public static void main(String[] args) {
                        System.out.println("hello " + String.join(",", args) + " " + System.getenv("GREETING"));
                        System.out.println("nats " + System.getenv("NEX_WORKLOAD_NATS_URL"));
                    }
                }
                """);
        NexHarness.Result r = nex.run("nex", "run", jar.toString(), "--lifecycle", "job", "--argv", "a", "--argv", "b",
                "GREETING=jvm");
        assertThat(r.status()).as(r.toString()).isZero();
        Matcher m = Pattern.compile("\\((\\w+)\\)").matcher(r.out());
        assertThat(m.find()).isTrue();
        String wid = m.group(1);
        await().atMost(Duration.ofSeconds(60)).until(() -> !feed.events(NexEvent.WORKLOAD_STOPPED, wid).isEmpty());
        assertThat(feed.events(NexEvent.WORKLOAD_STOPPED, wid).get(0).data()).containsEntry("reason", "finished");
        assertThat(feed.texts(wid, "stdout")).containsExactly("hello a,b jvm", "nats " + nex.url());

        Path notJar = dir.resolve("fake.jar");
        Files.writeString(notJar, "#!/bin/sh\necho no\n");
        NexHarness.Result bad = nex.run("nex", "run", notJar.toString(), "--lifecycle", "job");
        assertThat(bad.status()).isEqualTo(1);
        assertThat(bad.err()).isEqualTo("natrix: error: artifact nats://NEXCLIFILES/fake is not a jar (no zip header)\n");
    }
}
