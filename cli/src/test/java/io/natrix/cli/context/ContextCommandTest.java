package io.natrix.cli.context;

import static org.assertj.core.api.Assertions.assertThat;

import io.natrix.cli.CliHarness;
import io.natrix.cli.CliHarness.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** natscli's contexts: files in natscli's place and format, selection, and bad input. */
class ContextCommandTest {

    @TempDir
    Path dir;

    @Test
    void addWritesNatscliFileAndSelects() throws Exception {
        try (CliHarness cli = CliHarness.withoutServer(dir)) {
            Result r = cli.run("context", "add", "local", "--server", "nats://127.0.0.1:4333", "--user", "bob",
                    "--password", "s3cret", "--description", "Localhost", "--select");
            assertThat(r.status()).as(r.toString()).isZero();
            assertThat(r.out()).startsWith("NATS Configuration Context \"local\"")
                    .contains("  Description: Localhost").contains("  Server URLs: nats://127.0.0.1:4333")
                    .contains("  Password: *********").doesNotContain("s3cret");
            Path file = dir.resolve("config/nats/context/local.json");
            String json = Files.readString(file);
            assertThat(json).contains("\"url\" : \"nats://127.0.0.1:4333\"").contains("\"user\" : \"bob\"")
                    .contains("\"password\" : \"s3cret\"");
            assertThat(Files.readString(dir.resolve("config/nats/context.txt"))).isEqualTo("local");
            // A context may hold a password: readable by its owner only, as natscli writes it.
            assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                    .isEqualTo("rw-------");

            cli.run("context", "add", "other", "--description", "Other");
            Result ls = cli.run("context", "ls");
            assertThat(ls.out()).contains("Known Contexts").contains("│ local* │ Localhost").contains("│ other  │ Other");
            assertThat(cli.run("context", "ls", "--names").out()).isEqualTo("local\nother\n");
        }
    }

    @Test
    void editChangesOnlyTheGivenFieldsAndKeepsUnknownOnes() throws Exception {
        try (CliHarness cli = CliHarness.withoutServer(dir)) {
            cli.run("context", "add", "c", "--server", "nats://a:1", "--description", "first");
            Path file = dir.resolve("config/nats/context/c.json");
            Files.writeString(file, Files.readString(file).replace("{", "{ \"color_scheme\" : \"dark\","));
            Result r = cli.run("context", "edit", "c", "--user", "alice");
            assertThat(r.status()).as(r.toString()).isZero();
            String json = Files.readString(file);
            assertThat(json).contains("\"user\" : \"alice\"").contains("\"url\" : \"nats://a:1\"")
                    .contains("\"color_scheme\" : \"dark\"").contains("\"description\" : \"first\"");
        }
    }

    @Test
    void selectInfoAndRm() {
        try (CliHarness cli = CliHarness.withoutServer(dir)) {
            cli.run("context", "add", "a", "--server", "nats://x:1");
            assertThat(cli.run("context", "select", "a").status()).isZero();
            assertThat(cli.run("context", "info").out()).contains("\"a\"").contains("nats://x:1");
            assertThat(cli.run("context", "info", "a", "--json").out()).contains("\"url\" : \"nats://x:1\"");
            Result refused = cli.run("context", "rm", "a");
            assertThat(refused.status()).isEqualTo(1);
            assertThat(refused.err()).isEqualTo("natrix: error: cannot ask for confirmation without a terminal, "
                    + "use --force\n");
            Result rm = cli.run("context", "rm", "a", "-f");
            assertThat(rm.out()).isEqualTo("Removed context \"a\"\n");
            assertThat(cli.run("context", "ls").out()).isEqualTo("No contexts defined\n");
            assertThat(Files.exists(dir.resolve("config/nats/context.txt"))).isFalse();
        }
    }

    @Test
    void badInputIsOneLineAndNonZero() throws Exception {
        try (CliHarness cli = CliHarness.withoutServer(dir)) {
            Result unknown = cli.run("context", "select", "nope");
            assertThat(unknown.status()).isEqualTo(1);
            assertThat(unknown.err()).isEqualTo("natrix: error: unknown context \"nope\"\n");
            Result badName = cli.run("context", "add", "../evil");
            assertThat(badName.status()).isEqualTo(1);
            assertThat(badName.err()).startsWith("natrix: error: invalid context name").hasLineCount(1);
            Files.createDirectories(dir.resolve("config/nats/context"));
            Files.writeString(dir.resolve("config/nats/context/bad.json"), "{not json");
            Result bad = cli.run("context", "info", "bad");
            assertThat(bad.status()).isEqualTo(1);
            assertThat(bad.err()).startsWith("natrix: error: invalid context bad:").hasLineCount(1);
            Result missing = cli.run("context", "add");
            assertThat(missing.status()).isEqualTo(2);
            assertThat(missing.err()).hasLineCount(1);
            Result noSuch = cli.run("context", "frob");
            assertThat(noSuch.status()).isEqualTo(2);
            assertThat(noSuch.err()).isEqualTo("natrix: unknown command: frob (see 'natrix context --help')\n");
        }
    }

    @Test
    void helpListsTheCommandsOwnFlagsAndPointsToTheGlobalOnes() {
        try (CliHarness cli = CliHarness.withoutServer(dir)) {
            Result r = cli.run("context", "add", "--help");
            assertThat(r.status()).isZero();
            assertThat(r.out()).startsWith("Usage: natrix context add [OPTIONS] NAME")
                    .contains("--description=TEXT").contains("--select")
                    .doesNotContain("--tlsca").contains("see 'natrix --help'");
            assertThat(cli.run("--help").out()).contains("--tlsca").contains("--creds=FILE");
        }
    }
}
