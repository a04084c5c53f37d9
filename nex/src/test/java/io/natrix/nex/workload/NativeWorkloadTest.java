package io.natrix.nex.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.natrix.nex.FeedRecorder;
import io.natrix.nex.NexHarness;
import io.natrix.nex.api.NexEvent;
import io.nats.client.Connection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Native workloads deployed with {@code nex run}: a job's output on the log feed and its result as an event, a
 * failing service restarted up to its limit, and a stop that takes down the whole process tree.
 */
class NativeWorkloadTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Pattern DEPLOYED = Pattern.compile("Workload \\S+ \\((\\w+)\\) deployed to node (\\w+)");

    @TempDir
    Path dir;

    NexHarness nex;
    FeedRecorder feed;

    @BeforeEach
    void start() throws Exception {
        nex = NexHarness.start(dir);
        Connection nc = nex.connect();
        feed = new FeedRecorder(nc, "default");
        nex.node("native");
    }

    @AfterEach
    void stop() {
        nex.close();
    }

    private Path script(String name, String body) throws Exception {
        Path file = dir.resolve(name);
        Files.writeString(file, "#!/bin/sh\n" + body);
        return file;
    }

    private String deploy(String... args) {
        NexHarness.Result r = nex.run(args);
        assertThat(r.status()).as(r.toString()).isZero();
        Matcher m = DEPLOYED.matcher(r.out());
        assertThat(m.find()).as(r.out()).isTrue();
        return m.group(1);
    }

    @Test
    void nativeJobOutputReachesLogFeedAndResultIsAnEvent() throws Exception {
        Path job = script("hello.sh", "echo \"hello $GREETING\"\necho \"url $NATS_URL\"\necho oops >&2\nexit 0\n");
        String wid = deploy("nex", "run", job.toString(), "--lifecycle", "job", "GREETING=world");

        await().atMost(WAIT).until(() -> !feed.events(NexEvent.WORKLOAD_STOPPED, wid).isEmpty());
        NexEvent done = feed.events(NexEvent.WORKLOAD_STOPPED, wid).get(0);
        assertThat(done.data()).containsEntry("reason", "finished").containsEntry("exit_code", 0);
        assertThat(done.workloadName()).isEqualTo("hello");
        assertThat(feed.texts(wid, "stdout")).containsExactly("hello world", "url " + nex.url());
        assertThat(feed.texts(wid, "stderr")).containsExactly("oops");
        assertThat(feed.events(NexEvent.WORKLOAD_STARTED, wid)).hasSize(1);

        Path failing = script("fail.sh", "exit 7\n");
        String failed = deploy("nex", "run", failing.toString(), "--lifecycle", "job");
        await().atMost(WAIT).until(() -> !feed.events(NexEvent.WORKLOAD_STOPPED, failed).isEmpty());
        assertThat(feed.events(NexEvent.WORKLOAD_STOPPED, failed).get(0).data())
                .containsEntry("reason", "failed").containsEntry("exit_code", 7)
                .containsEntry("error", "job exited with code 7");
    }

    @Test
    void nativeServiceRestartsUpToItsLimit() throws Exception {
        Path crash = script("crash.sh", "echo starting\nexit 3\n");
        String wid = deploy("nex", "run", crash.toString(), "--restart-limit", "2");

        await().atMost(WAIT).until(() -> !feed.events(NexEvent.WORKLOAD_STOPPED, wid).isEmpty());
        assertThat(feed.events(NexEvent.WORKLOAD_RESTARTED, wid)).hasSize(2);
        NexEvent stopped = feed.events(NexEvent.WORKLOAD_STOPPED, wid).get(0);
        assertThat(stopped.data()).containsEntry("reason", "failed").containsEntry("restarts", 2)
                .containsEntry("error", "service exited with code 3 after 2 restarts");
        await().atMost(WAIT).until(() -> feed.texts(wid, "stdout").size() == 3);

        NexHarness.Result ls = nex.run("nex", "workload", "ls");
        assertThat(ls.out()).as(ls.toString()).doesNotContain(wid);
    }

    @Test
    void whatAJobLeavesRunningDiesWithIt() throws Exception {
        // The job ends at once; its background child is re-parented and no longer one of its descendants.
        Path job = script("leaver.sh", """
                sleep 300 &
                echo "child $!"
                """);
        String wid = deploy("nex", "run", job.toString(), "--lifecycle", "job");
        await().atMost(WAIT).until(() -> !feed.events(NexEvent.WORKLOAD_STOPPED, wid).isEmpty());
        await().atMost(WAIT).until(() -> feed.texts(wid, "stdout").size() == 1);
        long child = Long.parseLong(feed.texts(wid, "stdout").get(0).split(" ")[1]);
        await().atMost(WAIT).until(() -> ProcessHandle.of(child).map(h -> !h.isAlive()).orElse(true));
    }

    @Test
    void nativeStopKillsTheWholeProcessTree() throws Exception {
        // One child ends on SIGTERM; the other ignores it (and so does its sleep) and needs the kill after grace.
        Path tree = script("tree.sh", """
                sleep 300 &
                echo "child $!"
                sh -c 'trap "" TERM; sleep 300' &
                echo "child $!"
                echo "parent $$"
                wait
                """);
        String wid = deploy("nex", "run", tree.toString());
        await().atMost(WAIT).until(() -> feed.texts(wid, "stdout").size() == 3);
        List<Long> pids = feed.texts(wid, "stdout").stream().map(s -> Long.parseLong(s.split(" ")[1])).toList();
        List<ProcessHandle> handles = pids.stream().map(ProcessHandle::of).flatMap(Optional::stream).toList();
        assertThat(handles).hasSize(3).allMatch(ProcessHandle::isAlive);
        List<ProcessHandle> all = new java.util.ArrayList<>(handles);
        handles.forEach(h -> h.descendants().forEach(all::add));

        NexHarness.Result wl = nex.run("nex", "wl", "ls");
        assertThat(wl.out()).as(wl.toString()).contains(wid).contains("tree").contains("running");

        NexHarness.Result stop = nex.run("nex", "workload", "stop", wid);
        assertThat(stop.status()).as(stop.toString()).isZero();
        assertThat(stop.out()).isEqualTo("Workload " + wid + " stopped\n");
        await().atMost(WAIT).untilAsserted(() -> assertThat(all).noneMatch(ProcessHandle::isAlive));
        await().atMost(WAIT).until(() -> !feed.events(NexEvent.WORKLOAD_STOPPED, wid).isEmpty());
        assertThat(feed.events(NexEvent.WORKLOAD_STOPPED, wid).get(0).data()).containsEntry("reason", "stopped");

        NexHarness.Result again = nex.run("--timeout", "1s", "nex", "workload", "stop", wid);
        assertThat(again.status()).isEqualTo(1);
        assertThat(again.err()).contains("no reply from workload " + wid);
    }
}
