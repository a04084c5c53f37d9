package io.natrix.server.account;

import static org.assertj.core.api.Assertions.assertThat;

import io.natrix.server.auth.AccountClaims.ServiceLatency;
import io.natrix.server.auth.ExportType;
import io.natrix.server.config.ConfigException;
import io.natrix.server.config.ConfigLoader;
import io.natrix.server.config.ConfigParser;
import io.natrix.server.config.ServerOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Account exports, imports and mappings read from configuration text: every form nats-server accepts and the
 * mistakes it refuses at load. Configurations marked "nats-server 2.9.10" were checked with {@code nats-server -t}
 * of that version (cycles, authorization, self imports); messages follow the current nats-server source.
 */
class AccountConfigsTest {

    static AccountConfigs read(String text) {
        ServerOptions.Builder builder = ServerOptions.builder();
        ConfigLoader.apply(ConfigParser.parse(text), builder);
        return AccountConfigs.read(builder.build());
    }

    static ConfigException error(String text) {
        try {
            read(text);
        } catch (ConfigException e) {
            return e;
        }
        throw new AssertionError("expected a ConfigException for: " + text);
    }

    /** Asserts the first problem's line and reason (the reason starts with the key path). */
    static void assertRefused(String text, int line, String reason) {
        ConfigException e = error(text);
        assertThat(e.reason()).isEqualTo(reason);
        assertThat(e.position().line()).as("line of " + e.getMessage()).isEqualTo(line);
        assertThat(e.getMessage()).startsWith("<string>:" + line + ":");
    }

    @Nested
    class Exports {
        @Test
        void everyFormIsRead() {
            AccountConfigs configs = read("""
                    accounts {
                      A {
                        exports: [
                          { stream: "public.>" }
                          { stream: "private.>", accounts: [B, C] }
                          { service: "req.>", response: singleton, response_threshold: "2s", accounts: [B],
                            latency: { sampling: 50%, subject: "lat.req" }, allow_trace: true }
                          { service: "chunks", response_type: chunked, threshold: "1m" }
                          { service: "streams", response: stream, response_max_time: "500ms" }
                          { service: "acct.*.info", account_token_position: 2,
                            latency: { subject: l, sampling: headers } }
                          { service: "single", response: single, response_time: "0s", latency: "lat.single" }
                          { service: "chunk", response: CHUNK }
                          { service: "seven", latency: { subject: s, sampling: 7 } }
                        ]
                      }
                      B {}
                      C {}
                    }
                    """);
            List<ExportConfig> exports = configs.exportsOf("A");
            assertThat(exports).extracting(ExportConfig::subject).containsExactly("public.>", "private.>", "req.>",
                    "chunks", "streams", "acct.*.info", "single", "chunk", "seven");

            ExportConfig publicStream = exports.get(0);
            assertThat(publicStream.type()).isEqualTo(ExportType.STREAM);
            assertThat(publicStream.isPublic()).isTrue();
            assertThat(publicStream.response()).isNull();
            assertThat(publicStream.threshold()).isNull();
            assertThat(exports.get(1).accounts()).containsExactly("B", "C");
            assertThat(exports.get(1).isPublic()).isFalse();

            ExportConfig req = exports.get(2);
            assertThat(req.type()).isEqualTo(ExportType.SERVICE);
            assertThat(req.response()).isEqualTo(ResponseType.SINGLETON);
            assertThat(req.threshold()).isEqualTo(Duration.ofSeconds(2));
            assertThat(req.accounts()).containsExactly("B");
            assertThat(req.latency()).isEqualTo(new ServiceLatency(50, "lat.req"));
            assertThat(req.allowTrace()).isTrue();

            assertThat(exports.get(3).response()).isEqualTo(ResponseType.CHUNKED);
            assertThat(exports.get(3).threshold()).isEqualTo(Duration.ofMinutes(1));
            assertThat(exports.get(3).latency()).isNull();
            assertThat(exports.get(3).isPublic()).isTrue();
            assertThat(exports.get(4).response()).isEqualTo(ResponseType.STREAMED);
            assertThat(exports.get(4).threshold()).isEqualTo(Duration.ofMillis(500));
            assertThat(exports.get(4).latency()).isNull();

            ExportConfig perAccount = exports.get(5);
            assertThat(perAccount.accountTokenPosition()).isEqualTo(2);
            assertThat(perAccount.isPublic()).isFalse();
            assertThat(perAccount.latency()).isEqualTo(new ServiceLatency(0, "l"));
            assertThat(perAccount.threshold()).isEqualTo(ExportConfig.DEFAULT_RESPONSE_THRESHOLD);

            assertThat(exports.get(6).response()).isEqualTo(ResponseType.SINGLETON);
            assertThat(exports.get(6).threshold()).isEqualTo(ExportConfig.DEFAULT_RESPONSE_THRESHOLD);
            assertThat(exports.get(6).latency()).isEqualTo(new ServiceLatency(100, "lat.single"));
            assertThat(exports.get(7).response()).isEqualTo(ResponseType.CHUNKED);
            assertThat(exports.get(8).latency()).isEqualTo(new ServiceLatency(7, "s"));
            assertThat(configs.exportsOf("B")).isEmpty();
            assertThat(configs.exportsOf("nobody")).isEmpty();
        }

        @Test
        void exportAllowsChecksTypeSubjectAndImporter() {
            AccountConfigs configs = read("""
                    accounts {
                      A {
                        exports: [
                          { stream: "public.>" }
                          { stream: "private.>", accounts: [B] }
                          { service: "req.*" }
                          { service: "acct.*.info", account_token_position: 2 }
                        ]
                      }
                      B {}
                      C {}
                    }
                    """);
            assertThat(configs.exportAllows("A", ExportType.STREAM, "public.x.y", "C")).isTrue();
            assertThat(configs.exportAllows("A", ExportType.STREAM, "public.>", "C")).isTrue();
            assertThat(configs.exportAllows("A", ExportType.STREAM, "public", "C")).isFalse();
            assertThat(configs.exportAllows("A", ExportType.SERVICE, "public.x", "C")).isFalse();
            assertThat(configs.exportAllows("A", ExportType.STREAM, "private.x", "B")).isTrue();
            assertThat(configs.exportAllows("A", ExportType.STREAM, "private.x", "C")).isFalse();
            assertThat(configs.exportAllows("A", ExportType.SERVICE, "req.foo", "C")).isTrue();
            assertThat(configs.exportAllows("A", ExportType.SERVICE, "req.*", "C")).isTrue();
            assertThat(configs.exportAllows("A", ExportType.SERVICE, "req.>", "C")).isFalse();
            assertThat(configs.exportAllows("A", ExportType.SERVICE, "req.a.b", "C")).isFalse();
            assertThat(configs.exportAllows("A", ExportType.SERVICE, "acct.B.info", "B")).isTrue();
            assertThat(configs.exportAllows("A", ExportType.SERVICE, "acct.B.info", "C")).isFalse();
            assertThat(configs.exportAllows("A", ExportType.SERVICE, "acct.*.info", "B")).isFalse();
            assertThat(configs.exportAllows("A", ExportType.SERVICE, "req..x", "C")).isFalse();
            assertThat(configs.exportAllows("Z", ExportType.SERVICE, "req.foo", "C")).isFalse();
        }

        @Test
        void declarationsOfOneSubjectAreMergedAsNatsServerAppliesThem() {
            AccountConfigs configs = read("""
                    accounts {
                      A {
                        exports: [
                          { service: "q", response: stream, accounts: [B] }
                          { service: "q", accounts: [C], response_threshold: "5s" }
                          { service: "q" }
                          { stream: "q" }
                        ]
                      }
                      B {}
                      C {}
                    }
                    """);
            List<ExportConfig> exports = configs.exportsOf("A");
            assertThat(exports).hasSize(2);
            ExportConfig service = exports.get(0);
            assertThat(service.response()).isEqualTo(ResponseType.STREAMED);
            assertThat(service.accounts()).containsExactly("B", "C");
            assertThat(service.threshold()).isEqualTo(ExportConfig.DEFAULT_RESPONSE_THRESHOLD);
            assertThat(exports.get(1).type()).isEqualTo(ExportType.STREAM);
            assertThat(exports.get(1).isPublic()).isTrue();
        }

        @Test
        void anEmptyAccountListIsPublicAsInNatsServer() {
            AccountConfigs configs = read("accounts { A { exports: [ { stream: s, accounts: [] } ] }, B {} }");
            assertThat(configs.exportsOf("A").get(0).isPublic()).isTrue();
            assertThat(configs.exportAllows("A", ExportType.STREAM, "s", "B")).isTrue();
        }
    }

    @Nested
    class Imports {
        @Test
        void everyFormIsRead() {
            AccountConfigs configs = read("""
                    accounts {
                      A {
                        exports: [
                          { stream: "public.>" }
                          { stream: "orders.*.*" }
                          { service: "req.>" }
                          { service: "svc.*" }
                        ]
                      }
                      B {
                        imports: [
                          { stream: { account: A, subject: "public.>" }, prefix: "pre" }
                          { stream: { account: A, subject: "public.x" }, prefix: "dotted.", allow_trace: true }
                          { stream: { account: A, subject: "orders.*.*" }, to: "a.orders.$2.$1" }
                          { stream: { account: A, subject: "public.y" } }
                          { service: { account: A, subject: "req.foo" }, to: "local.foo", share: true }
                          { service: { account: A, subject: "req.>" } }
                          { service: { account: A, subject: "svc.*" }, to: "mine.{{wildcard(1)}}" }
                        ]
                      }
                    }
                    """);
            List<ImportConfig> imports = configs.importsOf("B");
            assertThat(imports).containsExactly(
                    new ImportConfig(ExportType.STREAM, "A", "public.>", null, "pre", false, false),
                    new ImportConfig(ExportType.STREAM, "A", "public.x", null, "dotted.", false, true),
                    new ImportConfig(ExportType.STREAM, "A", "orders.*.*", "a.orders.$2.$1", null, false, false),
                    new ImportConfig(ExportType.STREAM, "A", "public.y", null, null, false, false),
                    new ImportConfig(ExportType.SERVICE, "A", "req.foo", "local.foo", null, true, false),
                    new ImportConfig(ExportType.SERVICE, "A", "req.>", null, null, false, false),
                    new ImportConfig(ExportType.SERVICE, "A", "svc.*", "mine.{{wildcard(1)}}", null, false, false));
            assertThat(imports).extracting(ImportConfig::localSubject).containsExactly("pre.public.>",
                    "dotted.public.x", "a.orders.*.*", "public.y", "local.foo", "req.>", "mine.*");
            assertThat(configs.importsOf("A")).isEmpty();
            assertThat(configs.importsOf("nobody")).isEmpty();
        }

        @Test
        void keysMatchWithoutRegardToCaseButNamesDoNot() {
            AccountConfigs configs = read("""
                    ACCOUNTS {
                      a { EXPORTS: [ { SERVICE: q } ] }
                      B { Imports: [ { Service: { ACCOUNT: a, Subject: q } } ] }
                    }
                    """);
            assertThat(configs.importsOf("B")).hasSize(1);
            assertRefused("accounts { a { exports: [ { service: q } ] }, B { imports: [ { service: { account: A, "
                    + "subject: q } } ] } }", 1, "accounts.B.imports[0]: \"A\" account not defined for service import");
        }

        /** nats-server 2.9.10 accepts both (TestAccountImportOwnExport in nats-server does the service one). */
        @Test
        void anAccountMayImportItsOwnExport() {
            AccountConfigs services = read("""
                    accounts {
                      A {
                        exports: [ { service: echo, accounts: [A], latency: { subject: "latency.echo" } } ]
                        imports: [ { service: { account: A, subject: echo } } ]
                      }
                    }
                    """);
            assertThat(services.importsOf("A")).hasSize(1);
            AccountConfigs streams = read("""
                    accounts { A { exports: [ { stream: s } ], imports: [ { stream: { account: A, subject: s } } ] } }
                    """);
            assertThat(streams.importsOf("A")).hasSize(1);
        }

        /** nats-server 2.9.10 accepts these: the subjects do not overlap, so nothing loops. */
        @Test
        void importsBothWaysOnDifferentSubjectsAreNoCycle() {
            AccountConfigs configs = read("""
                    accounts {
                      A { exports: [ { service: "q1" }, { stream: "s1" } ]
                          imports: [ { service: { account: B, subject: "q2" } },
                                     { stream: { account: B, subject: "s2" } } ] }
                      B { exports: [ { service: "q2" }, { stream: "s2" } ]
                          imports: [ { service: { account: A, subject: "q1" } },
                                     { stream: { account: A, subject: "s1" } } ] }
                    }
                    """);
            assertThat(configs.importsOf("A")).hasSize(2);
            assertThat(configs.importsOf("B")).hasSize(2);
        }

        /** The configuration of nats-server's TestAccountImportCycle, which starts. */
        @Test
        void wildcardServicesImportedTwiceAreNoCycle() {
            AccountConfigs configs = read("""
                    accounts: {
                      CP: {
                        users: [ { user: cp, password: cp } ],
                        exports: [
                          { service: "q1.>", response_type: Singleton },
                          { service: "q2.>", response_type: Singleton },
                          { service: "q3.>", response_type: Singleton },
                        ],
                      },
                      A: {
                        users: [ { user: a, password: a } ],
                        imports: [
                          { service: { account: CP, subject: "q1.>" } },
                          { service: { account: CP, subject: "q2.>" } },
                          { service: { account: CP, subject: "q3.>" } },
                        ]
                      },
                    }
                    """);
            assertThat(configs.importsOf("A")).extracting(ImportConfig::subject)
                    .containsExactly("q1.>", "q2.>", "q3.>");
        }
    }

    @Nested
    class AccountsMappingsAndSystem {
        @Test
        void accountsMayBeAListOfNames() {
            AccountConfigs configs = read("accounts: [A, B]");
            assertThat(configs.accounts()).extracting(AccountConfig::name).containsExactly("A", "B");
            assertThat(configs.account("A").orElseThrow().exports()).isEmpty();
            assertThat(configs.account("Z")).isEmpty();
        }

        @Test
        void mappingsAreKeptRawWithTheirPlace() {
            AccountConfigs configs = read("""
                    mappings: { "foo": "bar" }
                    accounts {
                      A {
                        mappings: {
                          "old.*": "new.$1"
                          "split": [ { destination: "a", weight: 40% }, { destination: "b", weight: 60% } ]
                        }
                        maps: { "x": "y" }
                      }
                    }
                    """);
            List<MappingsConfig> global = configs.mappingsOf(Account.GLOBAL);
            assertThat(global).hasSize(1);
            assertThat(global.get(0).path()).isEqualTo("mappings");
            assertThat(global.get(0).position().line()).isEqualTo(1);
            assertThat(((Map<?, ?>) global.get(0).value()).get("foo")).isEqualTo("bar");
            List<MappingsConfig> a = configs.mappingsOf("A");
            assertThat(a).extracting(MappingsConfig::path).containsExactly("accounts.A.mappings", "accounts.A.maps");
            assertThat(a.get(0).position().line()).isEqualTo(4);
            Map<?, ?> value = (Map<?, ?>) a.get(0).value();
            assertThat(value.get("old.*")).isEqualTo("new.$1");
            assertThat(ConfigParser.positionOf(value, "split").orElseThrow().line()).isEqualTo(6);
            assertThat(configs.account("A").orElseThrow().mappings()).isEqualTo(a);
            assertThat(configs.mappingsOf("nobody")).isEmpty();
        }

        @Test
        void systemAccountDefaultsToSysAndMayNameAConfiguredAccount() {
            AccountConfigs defaults = read("port: 4222");
            assertThat(defaults.systemAccount()).isEqualTo("$SYS");
            assertThat(defaults.noSystemAccount()).isFalse();
            assertThat(defaults.accounts()).isEmpty();
            assertThat(read("system_account: SYS, accounts { SYS {} }").systemAccount()).isEqualTo("SYS");
            assertThat(read("system: SYS, accounts { SYS {} }").systemAccount()).isEqualTo("SYS");
            assertThat(read("system: X, system_account: SYS, accounts { SYS {} }").systemAccount()).isEqualTo("SYS");
            assertThat(read("system_account: \"$SYS\"").systemAccount()).isEqualTo("$SYS");
            // In operator mode the system account is an account key the resolver finds, not a configured account.
            assertThat(read("operator: op.jwt, system_account: ADXYZ").systemAccount()).isEqualTo("ADXYZ");
            assertThat(read("no_system_account: true").noSystemAccount()).isTrue();
            assertThat(read("no_system: true").noSystemAccount()).isTrue();
            assertThat(read("no_sys_acc: true").noSystemAccount()).isTrue();
        }

        @Test
        void unknownAccountKeysWarnUnlessTheyDefineAVariable() {
            AccountConfigs configs = read("""
                    accounts {
                      A {
                        NAME: q
                        exports: [ { service: $NAME } ]
                        users: [ { user: a } ]
                        jetstream: enabled
                        exprots: [ { service: x } ]
                      }
                    }
                    """);
            assertThat(configs.warnings()).extracting(ConfigLoader.Warning::message)
                    .containsExactly("unknown field \"accounts.A.exprots\"");
            assertThat(configs.warnings().get(0).position().line()).isEqualTo(7);
            assertThat(configs.exportsOf("A").get(0).subject()).isEqualTo("q");
        }

        /**
         * The accounts, exports and imports of nats-server's server/configs/accounts.conf (its users and nkeys are
         * the user reader's), which nats-server's TestAccountParseConfigImportsExports loads.
         */
        @Test
        void natsServerAccountsTestConfiguration() {
            AccountConfigs configs = read("""
                    accounts: {
                      synadia: {
                        nkey: ADMHMDX2LEUJRZQHGVSVRWZEJ2CPNHYO6TB4ZCZ37LXAX5SYNEW252GF
                        exports = [
                          {stream: "public.>"}
                          {stream: "synadia.private.>", accounts: [cncf, nats.io]}
                          {service: "pub.request"}
                          {service: "pub.special.request", accounts: [nats.io]}
                        ]
                        imports = [
                          {service: {account: "nats.io", subject: "nats.time"}}
                        ]
                      }
                      nats.io: {
                        imports = [
                          {stream: {account: "synadia", subject:"public.synadia"}, prefix: "imports.synadia",
                           allow_trace: true}
                          {stream: {account: "synadia", subject:"synadia.private.*"}}
                          {service: {account: "synadia", subject: "pub.special.request"}, to: "synadia.request"}
                        ]
                        exports = [
                          {service: "nats.time", response: stream, allow_trace: true}
                          {service: "nats.photo", response: chunked}
                          {service: "nats.add", response: singleton, accounts: [cncf], allow_trace: true}
                          {service: "nats.sub"}
                        ]
                      }
                      cncf: { nkey: ABDAYEV6KZVLW3GSJ3V7IWC542676TFYILXF2C7Z56LCPSMVHJE5BVYO }
                    }
                    """);
            assertThat(configs.accounts()).extracting(AccountConfig::name)
                    .containsExactly("synadia", "nats.io", "cncf");
            assertThat(configs.exportsOf("synadia")).hasSize(4);
            assertThat(configs.exportsOf("nats.io")).extracting(ExportConfig::response).containsExactly(
                    ResponseType.STREAMED, ResponseType.CHUNKED, ResponseType.SINGLETON, ResponseType.SINGLETON);
            assertThat(configs.importsOf("nats.io")).extracting(ImportConfig::localSubject)
                    .containsExactly("imports.synadia.public.synadia", "synadia.private.*", "synadia.request");
            assertThat(configs.importsOf("synadia").get(0).fromAccount()).isEqualTo("nats.io");
            assertThat(configs.exportAllows("synadia", ExportType.STREAM, "synadia.private.x", "cncf")).isTrue();
            assertThat(configs.exportAllows("nats.io", ExportType.SERVICE, "nats.add", "synadia")).isFalse();
            assertThat(configs.warnings()).isEmpty();
        }
    }

    @Nested
    class Refused {
        @Test
        void importFromAnUnknownAccount() {
            assertRefused("""
                    accounts {
                      A {}
                      B {
                        imports: [
                          { stream: { account: Z, subject: s } }
                        ]
                      }
                    }
                    """, 5, "accounts.B.imports[0]: \"Z\" account not defined for stream import");
        }

        @Test
        void exportToAnUnknownAccount() {
            assertRefused("""
                    accounts {
                      A {
                        exports: [
                          { service: q,
                            accounts: [B, Y] }
                        ]
                      }
                      B {}
                    }
                    """, 5, "accounts.A.exports[0].accounts: \"Y\" account not defined for service export");
        }

        /** nats-server 2.9.10: Error adding service import "r": service import not authorized. */
        @Test
        void importWithoutAMatchingExport() {
            assertRefused("""
                    accounts {
                      A { exports: [ { service: q }, { stream: r } ] }
                      B {
                        imports: [ { service: { account: A, subject: r } } ]
                      }
                    }
                    """, 4, "accounts.B.imports[0]: error adding service import \"r\": service import not authorized");
            // nats-server 2.9.10: the import may not be wider than the export.
            assertRefused("""
                    accounts {
                      A { exports: [ { service: "q.*" } ] }
                      B { imports: [ { service: { account: A, subject: "q.>" } } ] }
                    }
                    """, 3,
                    "accounts.B.imports[0]: error adding service import \"q.>\": service import not authorized");
        }

        /** nats-server 2.9.10: Error adding stream import "s": stream import not authorized. */
        @Test
        void importByAnAccountTheExportDoesNotList() {
            assertRefused("""
                    accounts {
                      A { exports: [ { stream: s, accounts: [C] } ] }
                      B {
                        imports: [
                          { stream: { account: A, subject: s } }
                        ]
                      }
                      C { imports: [ { stream: { account: A, subject: s } } ] }
                    }
                    """, 5, "accounts.B.imports[0]: error adding stream import \"s\": stream import not authorized");
            // nats-server 2.9.10: with an account token position, C may not import B's subject.
            assertRefused("""
                    accounts {
                      A { exports: [ { stream: "s.*.x", account_token_position: 2 } ] }
                      B { imports: [ { stream: { account: A, subject: "s.B.x" } } ] }
                      C { imports: [ { stream: { account: A, subject: "s.B.x" } } ] }
                    }
                    """, 4,
                    "accounts.C.imports[0]: error adding stream import \"s.B.x\": stream import not authorized");
        }

        /** nats-server 2.9.10 names the duplicate service import while reading the entries. */
        @Test
        void duplicateImports() {
            assertRefused("""
                    accounts {
                      A { exports: [ { service: q }, { stream: s } ] }
                      B {
                        imports: [
                          { service: { account: A, subject: q } }
                          { service: { account: A, subject: q } }
                        ]
                      }
                    }
                    """, 6, "accounts.B.imports[1]: duplicate service import subject \"q\", previously used in import"
                    + " for account \"A\", subject \"q\"");
            assertRefused("""
                    accounts {
                      A { exports: [ { stream: s } ] }
                      B {
                        imports: [
                          { stream: { account: A, subject: s } }
                          { stream: { account: A, subject: s }, prefix: x }
                        ]
                      }
                    }
                    """, 6, "accounts.B.imports[1]: error adding stream import \"s\": stream import already exists");
        }

        @Test
        void badSubjects() {
            assertRefused("accounts { A { exports: [ { stream: \"s..x\" } ] } }", 1,
                    "accounts.A.exports[0]: error adding stream export \"s..x\": sublist: invalid subject");
            // nats-server 2.9.10: the account token position must point at a '*'.
            assertRefused("accounts { A { exports: [ { stream: \"s.x\", account_token_position: 2 } ] } }", 1,
                    "accounts.A.exports[0]: error adding stream export \"s.x\": sublist: invalid subject");
            assertRefused("""
                    accounts {
                      A { exports: [ { service: ">" } ] }
                      B {
                        imports: [ { service: { account: A, subject: "q.>.x" } } ]
                      }
                    }
                    """, 4, "accounts.B.imports[0]: error adding service import \"q.>.x\": sublist: invalid subject");
            assertRefused("""
                    accounts {
                      A { exports: [ { stream: ">" } ] }
                      B { imports: [ { stream: { account: A, subject: "a" }, to: "b c" } ] }
                    }
                    """, 3, "accounts.B.imports[0]: error adding stream import \"a\": sublist: invalid subject");
        }

        /**
         * nats-server 2.9.10 for all but the last: a prefix is literal, and a renamed wildcard import must map both
         * ways. The refusal of mapping functions other than wildcard() is newer than 2.9.10.
         */
        @Test
        void prefixesAndRenames() {
            assertRefused("""
                    accounts {
                      A { exports: [ { stream: "s.>" } ] }
                      B { imports: [ { stream: { account: A, subject: "s.>" }, prefix: "p.*" } ] }
                    }
                    """, 3, "accounts.B.imports[0]: error adding stream import \"s.>\": stream import prefix can not"
                    + " contain wildcard tokens");
            assertRefused("""
                    accounts {
                      A { exports: [ { stream: "s" } ] }
                      B { imports: [ { stream: { account: A, subject: "s" }, prefix: "p",
                                       to: "t" } ] }
                    }
                    """, 4, "accounts.B.imports[0].to: stream import can not have a 'prefix' and a 'to' property");
            assertRefused("""
                    accounts {
                      A { exports: [ { service: "q.>" } ] }
                      B { imports: [ { service: { account: A, subject: "q.>" }, to: "local.foo" } ] }
                    }
                    """, 3, "accounts.B.imports[0]: error adding service import \"q.>\": failed to create mapping"
                    + " transform for service import subject from \"local.foo\" to \"q.>\": invalid subject");
            assertRefused("""
                    accounts {
                      A { exports: [ { service: "q.*" } ] }
                      B { imports: [ { service: { account: A, subject: "q.*" }, to: "l.*" },
                                     { service: { account: A, subject: "q.*" }, to: "l2.x" } ] }
                    }
                    """, 4, "accounts.B.imports[1]: error adding service import \"q.*\": failed to create mapping"
                    + " transform for service import subject from \"l2.x\" to \"q.*\": invalid mapping destination:"
                    + " not using all of the token wildcard(s) in l2.x");
            assertRefused("""
                    accounts {
                      A { exports: [ { stream: "o.*" } ] }
                      B { imports: [ { stream: { account: A, subject: "o.*" }, to: "x.$2" } ] }
                    }
                    """, 3, "accounts.B.imports[0]: error adding stream import \"o.*\": failed to create mapping"
                    + " transform for stream import subject from \"o.*\" to \"x.$2\": invalid mapping destination:"
                    + " wildcard index out of range in $2: [2]");
            assertRefused("""
                    accounts {
                      A { exports: [ { stream: "o.*" } ] }
                      B { imports: [ { stream: { account: A, subject: "o.*" }, to: "x.{{partition(2,1)}}" } ] }
                    }
                    """, 3, "accounts.B.imports[0]: error adding stream import \"o.*\": failed to create mapping"
                    + " transform for stream import subject from \"o.*\" to \"x.{{partition(2,1)}}\": invalid mapping"
                    + " destination: the only mapping function allowed for import transforms is {{Wildcard()}} in"
                    + " {{partition(2,1)}}");
        }

        /** nats-server 2.9.10: Error adding service import "q.>": import forms a cycle. */
        @Test
        void serviceCycleOfTwoAccounts() {
            assertRefused("""
                    accounts {
                      A {
                        exports: [ { service: "q.>" } ]
                        imports: [ { service: { account: B, subject: "q.>" } } ]
                      }
                      B {
                        exports: [ { service: "q.>" } ]
                        imports: [ { service: { account: A, subject: "q.>" } } ]
                      }
                    }
                    """, 8, "accounts.B.imports[0]: error adding service import \"q.>\": import forms a cycle"
                    + " (B -> A -> B)");
        }

        /** nats-server 2.9.10: Error adding service import "q": import forms a cycle. */
        @Test
        void serviceCycleOfThreeAccounts() {
            assertRefused("""
                    accounts {
                      A { exports: [ { service: q } ], imports: [ { service: { account: B, subject: q } } ] }
                      B { exports: [ { service: q } ], imports: [ { service: { account: C, subject: q } } ] }
                      C { exports: [ { service: q } ], imports: [ { service: { account: A, subject: q } } ] }
                    }
                    """, 4, "accounts.C.imports[0]: error adding service import \"q\": import forms a cycle"
                    + " (C -> A -> B -> C)");
        }

        /** nats-server 2.9.10 refuses it too, blaming whichever of the two imports it happens to add last. */
        @Test
        void serviceCycleThroughOverlappingSubjects() {
            // B's import of q.* from A overlaps A's import of q.x from B only through the wildcard.
            assertRefused("""
                    accounts {
                      A { exports: [ { service: "q.*" } ], imports: [ { service: { account: B, subject: "q.x" } } ] }
                      B { exports: [ { service: "q.x" } ], imports: [ { service: { account: A, subject: "q.*" } } ] }
                    }
                    """, 3, "accounts.B.imports[0]: error adding service import \"q.*\": import forms a cycle"
                    + " (B -> A -> B)");
        }

        /** nats-server 2.9.10: Error adding stream import "s.>": import forms a cycle. */
        @Test
        void streamCycleOfTwoAccounts() {
            assertRefused("""
                    accounts {
                      A {
                        exports: [ { stream: "s.>" } ]
                        imports: [ { stream: { account: B, subject: "s.>" } } ]
                      }
                      B {
                        exports: [ { stream: "s.>" } ]
                        imports: [ { stream: { account: A, subject: "s.>" } } ]
                      }
                    }
                    """, 8, "accounts.B.imports[0]: error adding stream import \"s.>\": import forms a cycle"
                    + " (B -> A -> B)");
        }

        /** nats-server 2.9.10: Error adding stream import "s": import forms a cycle. */
        @Test
        void streamCycleOfThreeAccounts() {
            assertRefused("""
                    accounts {
                      A { exports: [ { stream: s } ], imports: [ { stream: { account: B, subject: s } } ] }
                      B { exports: [ { stream: s } ], imports: [ { stream: { account: C, subject: s } } ] }
                      C { exports: [ { stream: s } ], imports: [ { stream: { account: A, subject: s } } ] }
                    }
                    """, 4, "accounts.C.imports[0]: error adding stream import \"s\": import forms a cycle"
                    + " (C -> A -> B -> C)");
        }

        /** nats-server 2.9.10: one self import is fine, a second over the same subjects loops. */
        @Test
        void selfImportsThatLoop() {
            assertRefused("""
                    accounts {
                      A {
                        exports: [ { stream: "s.>" } ]
                        imports: [
                          { stream: { account: A, subject: "s.>" } }
                          { stream: { account: A, subject: "s.x" } }
                        ]
                      }
                    }
                    """, 6, "accounts.A.imports[1]: error adding stream import \"s.x\": import forms a cycle"
                    + " (A -> A -> A)");
            assertRefused("""
                    accounts {
                      A {
                        exports: [ { service: "q.>" } ]
                        imports: [
                          { service: { account: A, subject: "q.>" } }
                          { service: { account: A, subject: "q.x" } }
                        ]
                      }
                    }
                    """, 6, "accounts.A.imports[1]: error adding service import \"q.x\": import forms a cycle"
                    + " (A -> A -> A)");
        }

        /**
         * nats-server gives up a cycle search after 1024 accounts. Declared from the far end, each import of this
         * chain makes the search walk every account behind it.
         */
        @Test
        void aLongChainOfImportsExhaustsTheSearch() {
            int accounts = ImportGraph.SEARCH_DEPTH_MAX + 10;
            StringBuilder text = new StringBuilder("accounts {\n");
            for (int i = accounts - 1; i >= 0; i--) {
                text.append("  A").append(i).append(" { exports: [ { stream: s } ]");
                if (i < accounts - 1) {
                    text.append(", imports: [ { stream: { account: A").append(i + 1).append(", subject: s } } ]");
                }
                text.append(" }\n");
            }
            ConfigException e = error(text.append("}\n").toString());
            assertThat(e.reason()).endsWith("error adding stream import \"s\": search cycle depth exhausted");
        }

        /** nats-server 2.9.10 for the first three (the system account one only when it starts). */
        @Test
        void latencyAndTheSystemAccount() {
            assertRefused("""
                    no_system_account: true
                    accounts {
                      A { exports: [ { service: "q", latency: "lat" } ] }
                    }
                    """, 3, "accounts.A.exports[0]: error adding service latency sampling for \"q\": system account"
                    + " not setup");
            assertRefused("accounts { A { exports: [ { service: \"q.*\", latency: \"q.x\" } ] } }", 1,
                    "accounts.A.exports[0]: error adding service latency sampling for \"q.*\" on subject \"q.x\":"
                    + " invalid publish subject");
            assertRefused("accounts { A { exports: [ { service: q, response: stream, latency: { subject: l } } ] } }",
                    1, "accounts.A.exports[0]: error adding service latency sampling for \"q\" on subject \"l\": bad"
                    + " service response type");
            assertRefused("""
                    system_account: NOPE
                    accounts { A {} }
                    """, 1, "system_account: error resolving system account: account missing");
            assertRefused("accounts { A { exports: [ { service: q, latency: { subject: l, sampling: 101 } } ] } }", 1,
                    "accounts.A.exports[0].latency.sampling: bad sampling percentage, should be 1-100");
            assertRefused("accounts { A { exports: [ { service: q, latency: { sampling: \"5x\" } } ] } }", 1,
                    "accounts.A.exports[0].latency.sampling: failed to parse latency sample \"5x\"");
            assertRefused("accounts { A { exports: [ { service: q, latency: { sampling: 5 } } ] } }", 1,
                    "accounts.A.exports[0].latency: latency subject required, but missing");
        }

        /** nats-server 2.9.10: "$G" is a Reserved Account. */
        @Test
        void reservedAndDuplicateAccounts() {
            assertRefused("""
                    accounts {
                      $G {}
                    }
                    """, 2, "accounts.$G: \"$G\" is a Reserved Account");
            assertRefused("accounts: [A, B, A]", 1, "accounts[2]: duplicate account entry: A");
            assertRefused("accounts: [A, \"$G\"]", 1, "accounts[1]: \"$G\" is a Reserved Account");
        }

        @Test
        void malformedEntries() {
            assertRefused("""
                    accounts {
                      A {
                        exports: [
                          { stream: s, response: stream }
                        ]
                      }
                    }
                    """, 4, "accounts.A.exports[0].response: detected response directive on non-service");
            assertRefused("accounts { A { exports: [ { stream: s, service: q } ] } }", 1,
                    "accounts.A.exports[0].service: detected service \"q\" but already saw a stream");
            assertRefused("accounts { A { exports: [ { stream: s, latency: l } ] } }", 1,
                    "accounts.A.exports[0].latency: detected latency directive on non-service");
            assertRefused("accounts { A { exports: [ { stream: s, allow_trace: true } ] } }", 1,
                    "accounts.A.exports[0].allow_trace: detected allow_trace directive on non-service");
            assertRefused("accounts { A { exports: [ { service: q, response: sometimes } ] } }", 1,
                    "accounts.A.exports[0].response: unknown response type: \"sometimes\"");
            assertRefused("accounts { A { exports: [ { service: q, response: stream, response_type: chunked } ] } }",
                    1, "accounts.A.exports[0].response_type: duplicate response type definition");
            assertRefused("accounts { A { exports: [ { service: q, threshold: soon } ] } }", 1,
                    "accounts.A.exports[0].threshold: expected response threshold to be a parseable time duration,"
                    + " got \"soon\"");
            assertRefused("accounts { A { exports: [ { service: q, acounts: [B] } ] } }", 1,
                    "accounts.A.exports[0].acounts: unknown field");
            assertRefused("accounts { A { exports: [ { accounts: [B] } ] } }", 1,
                    "accounts.A.exports[0]: expected a stream or a service");
            assertRefused("accounts { A { exports: [ \"s\" ] } }", 1,
                    "accounts.A.exports[0]: expected a map with a stream or a service, got string \"s\"");
            assertRefused("accounts { A { exports: { stream: s } } }", 1,
                    "accounts.A.exports: expected an array, got a map");
            assertRefused("accounts { A { imports: [ { stream: { account: B } } ] }, B {} }", 1,
                    "accounts.A.imports[0].stream: expect an account name and a subject");
            assertRefused("accounts { A { imports: [ { stream: B } ] } }", 1,
                    "accounts.A.imports[0].stream: expected a map with account and subject, got string \"B\"");
            assertRefused("accounts { A { imports: [ { service: { account: B, subject: q, to: x } } ] } }", 1,
                    "accounts.A.imports[0].service.to: unknown field");
            assertRefused("accounts { A { imports: [ { service: { account: B, subject: q }, allow_trace: true } ] } }",
                    1, "accounts.A.imports[0].allow_trace: detected allow_trace directive on a non-stream");
            assertRefused("accounts { A { imports: [ { share: true } ] } }", 1,
                    "accounts.A.imports[0]: expected a stream or a service");
            assertRefused("accounts { A: 1 }", 1, "accounts.A: expected a map of account settings, got integer 1");
        }

        @Test
        void everyProblemIsReportedAtOnce() {
            ConfigException e = error("""
                    accounts {
                      A {
                        exports: [ { stream: s, response: stream } ]
                        imports: [ { service: { account: B } } ]
                      }
                      B { exports: [ { service: q, bogus: 1 } ] }
                    }
                    """);
            List<String> reasons = new ArrayList<>();
            reasons.add(e.reason());
            for (Throwable other : e.getSuppressed()) {
                reasons.add(((ConfigException) other).reason());
            }
            assertThat(reasons).containsExactly(
                    "accounts.A.exports[0].response: detected response directive on non-service",
                    "accounts.A.imports[0].service: expect an account name and a subject",
                    "accounts.B.exports[0].bogus: unknown field");
        }

        @Test
        void linkingProblemsAreAlsoCollected() {
            ConfigException e = error("""
                    accounts {
                      A { imports: [ { stream: { account: Z, subject: s } }, { service: { account: B, subject: r } } ] }
                      B { exports: [ { service: q, accounts: [Y] } ] }
                    }
                    """);
            List<String> reasons = new ArrayList<>();
            reasons.add(e.reason());
            for (Throwable other : e.getSuppressed()) {
                reasons.add(((ConfigException) other).reason());
            }
            assertThat(reasons).containsExactly(
                    "accounts.B.exports[0].accounts: \"Y\" account not defined for service export",
                    "accounts.A.imports[0]: \"Z\" account not defined for stream import",
                    "accounts.A.imports[1]: error adding service import \"r\": service import not authorized");
        }
    }

    @Nested
    class MessageTracing {
        private Account.TraceDestination trace(String account, String text) {
            return read(text).account(account).orElseThrow().traceDestination();
        }

        @Test
        void msgTraceAsASubjectOrAMapWithSamplingAsNumberOrPercentage() {
            assertThat(trace("A", "accounts { A { msg_trace: \"acc.trace\" } }"))
                    .isEqualTo(new Account.TraceDestination("acc.trace", 100));
            assertThat(trace("A", "accounts { A { trace_dest: acc.trace } }"))
                    .isEqualTo(new Account.TraceDestination("acc.trace", 100));
            assertThat(trace("A", "accounts { A { msg_trace: { dest: \"t.x\", sampling: 25 } } }"))
                    .isEqualTo(new Account.TraceDestination("t.x", 25));
            assertThat(trace("A", "accounts { A { msg_trace: { dest: \"t.x\", sampling: \"50%\" } } }"))
                    .isEqualTo(new Account.TraceDestination("t.x", 50));
            assertThat(trace("A", "accounts { A { } }")).isNull();
        }

        @Test
        void samplingWithoutADestinationIsIgnoredWithAWarning() {
            AccountConfigs configs = read("accounts {\n A {\n msg_trace: { sampling: 50 }\n }\n}");
            assertThat(configs.account("A").orElseThrow().traceDestination()).isNull();
            assertThat(configs.warnings()).extracting(ConfigLoader.Warning::message)
                    .containsExactly("Trace destination sampling ignored since no destination was set");
        }

        @Test
        void badDestinationsAndSamplingsAreRefused() {
            assertRefused("accounts {\n A { msg_trace: \"foo.*\" }\n}", 2,
                    "accounts.A.msg_trace: trace destination \"foo.*\" is not valid");
            assertRefused("accounts {\n A { msg_trace: { dest: t, sampling: 101 } }\n}", 2,
                    "accounts.A.msg_trace.sampling: trace destination sampling value 101 is invalid, needs to be "
                            + "[1..100]");
            assertRefused("accounts {\n A { msg_trace: { dest: t, sampling: \"half\" } }\n}", 2,
                    "accounts.A.msg_trace.sampling: invalid trace destination sampling value \"half\"");
            assertRefused("accounts {\n A { msg_trace: { dest: t, rate: 1 } }\n}", 2,
                    "accounts.A.msg_trace.rate: unknown field \"rate\" of account message trace");
            assertRefused("accounts {\n A { msg_trace: 5 }\n}", 2,
                    "accounts.A.msg_trace: expected a subject or a map with dest and sampling, got integer 5");
        }
    }
}
