package io.natrix.app.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The -sl commands, their signals, and how the target process is found. */
class SignalSenderTest {

    @TempDir
    Path dir;

    @Test
    void commandsMapToNatsServersSignals() {
        assertThat(SignalSender.signalFor("stop")).contains("KILL");
        assertThat(SignalSender.signalFor("quit")).contains("INT");
        assertThat(SignalSender.signalFor("term")).contains("TERM");
        assertThat(SignalSender.signalFor("reopen")).contains("USR1");
        assertThat(SignalSender.signalFor("reload")).contains("HUP");
        assertThat(SignalSender.signalFor("LDM")).contains("USR2");
        assertThat(SignalSender.signalFor("restart")).isEmpty();
    }

    @Test
    void aPidIsANumberOrAPidFile() throws IOException {
        assertThat(SignalSender.pidFrom("4242")).isEqualTo(4242);
        Path pidFile = Files.writeString(dir.resolve("n.pid"), "1234\n");
        assertThat(SignalSender.pidFrom(pidFile.toString())).isEqualTo(1234);
        assertThatThrownBy(() -> SignalSender.pidFrom("0")).hasMessageContaining("invalid pid");
    }

    @Test
    void onlyServingNatrixServersAreTargets() {
        assertThat(SignalSender.isServerCommandLine(
                new String[] {"-XX:AOTCache=x", "-jar", "/r/app/target/natrix.jar", "server", "-p", "4222"})).isTrue();
        assertThat(SignalSender.isServerCommandLine(
                new String[] {"-cp", "x", "io.natrix.app.Natrix", "server", "--http_port=1"})).isTrue();
        assertThat(SignalSender.isServerCommandLine(
                new String[] {"-jar", "natrix.jar", "server", "-sl", "stop"})).isFalse();
        assertThat(SignalSender.isServerCommandLine(
                new String[] {"-jar", "natrix.jar", "server", "--signal=stop"})).isFalse();
        assertThat(SignalSender.isServerCommandLine(new String[] {"-jar", "natrix.jar", "server", "-t"})).isFalse();
        assertThat(SignalSender.isServerCommandLine(new String[] {"-jar", "natrix.jar", "pub", "x"})).isFalse();
        assertThat(SignalSender.isServerCommandLine(new String[] {"-jar", "other.jar", "server"})).isFalse();
    }
}
