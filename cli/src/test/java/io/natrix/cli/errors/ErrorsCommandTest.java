package io.natrix.cli.errors;

import static org.assertj.core.api.Assertions.assertThat;

import io.natrix.cli.CliHarness;
import io.natrix.cli.CliHarness.Result;
import io.natrix.server.jetstream.JsApiError;
import io.natrix.server.jetstream.JsErrors;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code natrix errors}: the error catalogue as natscli shows it, and the cli copy against the server's. */
class ErrorsCommandTest {

    @TempDir
    Path dir;

    @Test
    void theCliCatalogueHoldsTheServersErrors() {
        Map<Integer, String> server = new TreeMap<>();
        for (Map.Entry<String, JsApiError> e : JsErrors.catalogue().entrySet()) {
            server.put(e.getValue().errCode(), e.getKey() + " " + e.getValue().code() + " "
                    + e.getValue().description());
        }
        Map<Integer, String> cli = new TreeMap<>();
        for (ErrorCatalogue.Entry e : ErrorCatalogue.builtIn().entries()) {
            cli.put(e.errCode(), e.constant() + " " + e.code() + " " + e.description());
        }
        assertThat(cli).isEqualTo(server);
    }

    @Test
    void lookupShowsOneError() {
        try (CliHarness cli = CliHarness.withoutServer(dir)) {
            Result r = cli.run("errors", "lookup", "10059");
            assertThat(r.status()).as(r.toString()).isZero();
            assertThat(r.out()).startsWith("NATS Error Code: 10059\n\n")
                    .contains("Description: stream not found").contains("HTTP Code: 404")
                    .contains("Go Index Constant: JSStreamNotFoundErr").endsWith("No further information available\n");
        }
    }

    @Test
    void lsFiltersAndSorts() {
        try (CliHarness cli = CliHarness.withoutServer(dir)) {
            Result r = cli.run("errors", "ls", "stream not found");
            assertThat(r.status()).as(r.toString()).isZero();
            assertThat(r.out()).contains("NATS Errors").contains("│ NATS Code │ HTTP Error Code │ Description")
                    .contains("│ 10059     │ 404             │ stream not found");
            Result all = cli.run("err", "ls", "", "code", "-R");
            assertThat(all.out().indexOf("10059")).isLessThan(all.out().indexOf("10002"));
        }
    }

    @Test
    void aNatsServerStyleFileCanBeUsedAndValidated() throws Exception {
        Path file = dir.resolve("errors.json");
        Files.writeString(file, """
                [ {"constant": "JSDemoErrF", "code": 400, "error_code": 10999, "description": "demo {thing}",
                   "comment": "a demo", "help": "Read the demo.", "url": "https://example.invalid/demo"} ]
                """);
        try (CliHarness cli = CliHarness.withoutServer(dir)) {
            Result ls = cli.run("errors", "ls", "--errors", file.toString());
            assertThat(ls.out()).contains("Comment").contains("a demo");
            Result lookup = cli.run("errors", "--errors", file.toString(), "lookup", "10999");
            assertThat(lookup.out()).contains("Help URL: https://example.invalid/demo").endsWith("Read the demo.\n");
            assertThat(cli.run("errors", "validate", file.toString()).out()).isEqualTo("Validated 1 errors\n");
            Path bad = dir.resolve("bad.json");
            Files.writeString(bad, "[ {\"code\": 0, \"error_code\": 5, \"description\": \"x {y\"} ]");
            Result invalid = cli.run("errors", "validate", bad.toString());
            assertThat(invalid.status()).isEqualTo(1);
            assertThat(invalid.out()).startsWith("5 failed: error codes may not be below 10000, code is required");
            assertThat(invalid.err()).isEqualTo("natrix: error: " + bad + " is invalid\n");
        }
    }

    @Test
    void badInputIsOneLine() throws Exception {
        try (CliHarness cli = CliHarness.withoutServer(dir)) {
            Result unknown = cli.run("errors", "lookup", "99999");
            assertThat(unknown.status()).isEqualTo(1);
            assertThat(unknown.err()).isEqualTo("natrix: error: no error matches code 99999\n");
            Result notNumber = cli.run("errors", "lookup", "abc");
            assertThat(notNumber.status()).isEqualTo(2);
            Result missing = cli.run("errors", "lookup");
            assertThat(missing.status()).isEqualTo(2);
            Result noMatch = cli.run("errors", "ls", "zzzqqq");
            assertThat(noMatch.err()).isEqualTo("natrix: error: no errors found matching regular expression zzzqqq\n");
            Path broken = dir.resolve("broken.json");
            Files.writeString(broken, "{not json");
            Result bad = cli.run("errors", "ls", "--errors", broken.toString());
            assertThat(bad.status()).isEqualTo(1);
            assertThat(bad.err()).startsWith("natrix: error: invalid JSON in " + broken).hasLineCount(1);
            Result absent = cli.run("errors", "ls", "--errors", dir.resolve("nope.json").toString());
            assertThat(absent.err()).startsWith("natrix: error: errors file ").endsWith("does not exist\n");
        }
    }
}
