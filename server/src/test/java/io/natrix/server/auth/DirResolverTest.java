package io.natrix.server.auth;

import static io.natrix.server.auth.AuthFixtures.NOW;
import static io.natrix.server.auth.OperatorFixtures.ACCOUNT;
import static io.natrix.server.auth.OperatorFixtures.ACCOUNT_B;
import static io.natrix.server.auth.OperatorFixtures.ACCOUNT_C;
import static io.natrix.server.auth.OperatorFixtures.OPERATOR;
import static io.natrix.server.auth.OperatorFixtures.OPERATOR_SIGNER;
import static io.natrix.server.auth.OperatorFixtures.STRANGER_OPERATOR;
import static io.natrix.server.auth.OperatorFixtures.USER;
import static io.natrix.server.auth.OperatorFixtures.accountJwt;
import static io.natrix.server.auth.OperatorFixtures.trust;
import static org.assertj.core.api.Assertions.assertThat;

import io.natrix.server.auth.AccountResolver.UpdateResult;
import io.natrix.server.auth.AccountResolver.UpdateResult.Status;
import io.natrix.server.auth.OperatorFixtures.MutableClock;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The directory resolver (full and cache) and the memory resolver: what is stored, what is refused with which
 * nats-server reply text, and what survives a restart or a damaged directory.
 */
class DirResolverTest {
    @TempDir
    Path tmp;

    private final MutableClock clock = new MutableClock(NOW);
    private final List<AccountClaims> updates = new ArrayList<>();
    private final List<String> deletes = new ArrayList<>();

    private DirResolver open(DirResolver.Settings settings) throws IOException {
        DirResolver resolver = DirResolver.open(settings, trust(), clock);
        resolver.onUpdate(updates::add);
        resolver.onDelete(deletes::add);
        return resolver;
    }

    private DirResolver full() throws IOException {
        return open(DirResolver.Settings.full(tmp.resolve("jwt")));
    }

    private Path file(NKeyPair account) {
        return tmp.resolve("jwt").resolve(account.publicKey() + ".jwt");
    }

    @Test
    void storeWritesTheFileAndServesIt() throws IOException {
        DirResolver resolver = full();
        assertThat(tmp.resolve("jwt")).isDirectory();
        String jwt = accountJwt(ACCOUNT);

        UpdateResult result = resolver.store(jwt);

        assertThat(result).isEqualTo(new UpdateResult(Status.UPDATED, ACCOUNT.publicKey(), "jwt updated"));
        assertThat(result.ok()).isTrue();
        assertThat(Files.readString(file(ACCOUNT))).isEqualTo(jwt);
        assertThat(resolver.fetch(ACCOUNT.publicKey())).contains(jwt);
        assertThat(resolver.claims(ACCOUNT.publicKey())).get()
                .extracting(c -> c.data().subject()).isEqualTo(ACCOUNT.publicKey());
        assertThat(resolver.accountKeys()).containsExactly(ACCOUNT.publicKey());
        assertThat(updates).extracting(c -> c.data().subject()).containsExactly(ACCOUNT.publicKey());
        assertThat(resolver.fetch(ACCOUNT_B.publicKey())).isEmpty();
        assertThat(resolver.fetch(null)).isEmpty();
        try (var listing = Files.list(tmp.resolve("jwt"))) {
            assertThat(listing).containsExactly(file(ACCOUNT)); // no temporary file left behind
        }
    }

    @Test
    void theSameJwtAgainChangesNothing() throws IOException {
        DirResolver resolver = full();
        String jwt = accountJwt(ACCOUNT);
        resolver.store(jwt);
        updates.clear();

        UpdateResult again = resolver.store(jwt);

        assertThat(again.status()).isEqualTo(Status.UNCHANGED);
        assertThat(again.text()).isEqualTo("jwt updated");
        assertThat(updates).isEmpty();
    }

    @Test
    void aNewerJwtReplacesAndAnOlderOneIsRefused() throws IOException {
        DirResolver resolver = full();
        long t = NOW.getEpochSecond();
        String middle = accountJwt(ACCOUNT, t - 100);
        String newer = accountJwt(ACCOUNT, t - 10);
        String older = accountJwt(ACCOUNT, t - 1000);
        resolver.store(middle);

        assertThat(resolver.store(newer).status()).isEqualTo(Status.UPDATED);
        UpdateResult stale = resolver.store(older);

        assertThat(stale.status()).isEqualTo(Status.STALE);
        assertThat(stale.ok()).isFalse();
        assertThat(stale.text()).startsWith("jwt update resulted in error - ");
        assertThat(resolver.fetch(ACCOUNT.publicKey())).contains(newer);
        assertThat(Files.readString(file(ACCOUNT))).isEqualTo(newer);
        assertThat(updates).hasSize(2);
    }

    @Test
    void anAccountOfTheSameSecondReplaces() throws IOException {
        DirResolver resolver = full();
        long t = NOW.getEpochSecond();
        resolver.store(accountJwt(AccountClaims.of(ACCOUNT.publicKey(), "one"), OPERATOR, t));
        String second = accountJwt(AccountClaims.of(ACCOUNT.publicKey(), "two"), OPERATOR, t);

        assertThat(resolver.store(second).status()).isEqualTo(Status.UPDATED);
        assertThat(resolver.claims(ACCOUNT.publicKey())).get().extracting(c -> c.data().name()).isEqualTo("two");
    }

    @Test
    void refusalsCarryNatsServerReplyTexts() throws IOException {
        DirResolver resolver = full();
        String untrusted = accountJwt(AccountClaims.of(ACCOUNT.publicKey(), "a"), STRANGER_OPERATOR,
                NOW.getEpochSecond());

        assertThat(resolver.store(untrusted)).isEqualTo(new UpdateResult(Status.REFUSED, ACCOUNT.publicKey(),
                "jwt update resulted in error - account validation failed"));
        assertThat(resolver.store("garbage")).satisfies(r -> {
            assertThat(r.status()).isEqualTo(Status.REFUSED);
            assertThat(r.account()).isEqualTo("n/a");
            assertThat(r.text()).startsWith("jwt update resulted in error - ");
        });
        assertThat(resolver.store("")).satisfies(r ->
                assertThat(r.text()).isEqualTo("jwt update error - request body is empty"));
        String user = OperatorFixtures.userJwt(UserClaims.of(USER.publicKey(), "u"), ACCOUNT);
        assertThat(resolver.store(user).text()).startsWith("jwt update resulted in error - expected an account JWT");
        assertThat(resolver.store(ACCOUNT_B.publicKey(), accountJwt(ACCOUNT)).text())
                .isEqualTo("jwt update resulted in error - subject does not match jwt content");
        assertThat(resolver.store(ACCOUNT.publicKey(), accountJwt(ACCOUNT)).status()).isEqualTo(Status.UPDATED);
        assertThat(resolver.accountKeys()).containsExactly(ACCOUNT.publicKey());
    }

    @Test
    void anOperatorSigningKeyIsTrustedAndAStrictOperatorsOwnKeyIsNot() throws IOException {
        DirResolver resolver = full();
        String bySigner = accountJwt(AccountClaims.of(ACCOUNT.publicKey(), "a"), OPERATOR_SIGNER,
                NOW.getEpochSecond());
        assertThat(resolver.store(bySigner).status()).isEqualTo(Status.UPDATED);

        TrustedOperators strict = TrustedOperators.of(List.of(OperatorFixtures.operatorClaims()
                .withStrictSigningKeyUsage(true)));
        DirResolver strictResolver = DirResolver.open(DirResolver.Settings.full(tmp.resolve("strict")), strict, clock);
        assertThat(strictResolver.store(accountJwt(ACCOUNT_B)).text())
                .isEqualTo("jwt update resulted in error - operator requires issuer to be a signing key");
    }

    @Test
    void aRestartLoadsWhatWasStored() throws IOException {
        DirResolver first = full();
        String a = accountJwt(ACCOUNT);
        String b = accountJwt(ACCOUNT_B);
        first.store(a);
        first.store(b);

        DirResolver second = full();

        assertThat(second.accountKeys()).containsExactlyInAnyOrder(ACCOUNT.publicKey(), ACCOUNT_B.publicKey());
        assertThat(second.fetch(ACCOUNT.publicKey())).contains(a);
        assertThat(second.fetch(ACCOUNT_B.publicKey())).contains(b);
        assertThat(second.problems()).isEmpty();
    }

    @Test
    void damagedFilesAreReportedAndSkippedNeverFatal() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("jwt"));
        String good = accountJwt(ACCOUNT);
        Files.writeString(dir.resolve(ACCOUNT.publicKey() + ".jwt"), good + "\n"); // a hand edit's newline
        Files.writeString(dir.resolve(ACCOUNT_B.publicKey() + ".jwt"), good.substring(0, good.length() / 2));
        Files.write(dir.resolve(ACCOUNT_C.publicKey() + ".jwt"), new byte[] {(byte) 0xff, 0, 1, 2, '.', '.'});
        NKeyPair d = AuthFixtures.key(NKeyType.ACCOUNT, 600);
        Files.writeString(dir.resolve(d.publicKey() + ".jwt"), "");
        NKeyPair e = AuthFixtures.key(NKeyType.ACCOUNT, 601);
        Files.writeString(dir.resolve(e.publicKey() + ".jwt"), accountJwt(ACCOUNT_B)); // about another account
        NKeyPair f = AuthFixtures.key(NKeyType.ACCOUNT, 602);
        Files.writeString(dir.resolve(f.publicKey() + ".jwt"),
                accountJwt(AccountClaims.of(f.publicKey(), "f"), STRANGER_OPERATOR, NOW.getEpochSecond()));
        Files.writeString(dir.resolve("not-a-key.jwt"), good);
        Files.writeString(dir.resolve("README"), "not a JWT file at all");
        Files.createDirectories(dir.resolve(key(603) + ".jwt"));
        Path leftover = Files.writeString(dir.resolve("." + ACCOUNT_C.publicKey() + ".jwt.tmp"), "half");

        DirResolver resolver = full();

        assertThat(resolver.accountKeys()).containsExactly(ACCOUNT.publicKey());
        assertThat(resolver.fetch(ACCOUNT.publicKey())).contains(good);
        assertThat(resolver.problems()).hasSize(7).allSatisfy(p -> assertThat(p).contains(": skipped, "));
        assertThat(String.join("\n", resolver.problems()))
                .contains("the file is empty", "is about account " + ACCOUNT_B.publicKey(),
                        "not signed by a trusted operator key", "not an account public key", "not a regular file");
        assertThat(leftover).doesNotExist();
        // The bad files stay for the operator to look at, and a later store replaces one.
        assertThat(dir.resolve(ACCOUNT_B.publicKey() + ".jwt")).exists();
        assertThat(resolver.store(accountJwt(ACCOUNT_B)).status()).isEqualTo(Status.UPDATED);
    }

    private static String key(long seed) {
        return AuthFixtures.key(NKeyType.ACCOUNT, seed).publicKey();
    }

    @Test
    void deletionOnlyWhenAllowed() throws IOException {
        DirResolver noDelete = full();
        noDelete.store(accountJwt(ACCOUNT));
        assertThat(noDelete.delete(ACCOUNT.publicKey()))
                .isEqualTo(new UpdateResult(Status.REFUSED, ACCOUNT.publicKey(), "store is not set up to for delete"));
        assertThat(noDelete.fetch(ACCOUNT.publicKey())).isPresent();

        DirResolver soft = open(new DirResolver.Settings(tmp.resolve("jwt"), false, 0, true, false, Duration.ZERO));
        assertThat(soft.delete(ACCOUNT.publicKey()).status()).isEqualTo(Status.DELETED);
        assertThat(soft.fetch(ACCOUNT.publicKey())).isEmpty();
        assertThat(file(ACCOUNT)).doesNotExist();
        assertThat(tmp.resolve("jwt").resolve(ACCOUNT.publicKey() + ".jwt.deleted")).exists();
        assertThat(deletes).containsExactly(ACCOUNT.publicKey());
        assertThat(soft.delete(ACCOUNT.publicKey()).ok()).isTrue(); // already gone: fine, nobody told again
        assertThat(deletes).hasSize(1);
        assertThat(full().accountKeys()).isEmpty(); // .deleted files are not loaded

        DirResolver hard = open(new DirResolver.Settings(tmp.resolve("hard"), false, 0, true, true, Duration.ZERO));
        hard.store(accountJwt(ACCOUNT_B));
        assertThat(hard.delete(ACCOUNT_B.publicKey()).status()).isEqualTo(Status.DELETED);
        try (var listing = Files.list(tmp.resolve("hard"))) {
            assertThat(listing).isEmpty();
        }
    }

    @Test
    void aFullStoreAtItsLimitRefusesNewAccountsButTakesUpdates() throws IOException {
        DirResolver resolver = open(new DirResolver.Settings(tmp.resolve("jwt"), false, 1, false, false,
                Duration.ZERO));
        resolver.store(accountJwt(ACCOUNT, NOW.getEpochSecond() - 100));

        assertThat(resolver.store(accountJwt(ACCOUNT_B)))
                .isEqualTo(new UpdateResult(Status.REFUSED, ACCOUNT_B.publicKey(),
                        "jwt update resulted in error - jwt store is full"));
        assertThat(resolver.store(accountJwt(ACCOUNT, NOW.getEpochSecond())).status()).isEqualTo(Status.UPDATED);
    }

    @Test
    void aCacheEvictsTheLeastRecentlyUsed() throws IOException {
        DirResolver cache = open(DirResolver.Settings.cache(tmp.resolve("jwt"), 2));
        cache.store(accountJwt(ACCOUNT));
        cache.store(accountJwt(ACCOUNT_B));
        cache.fetch(ACCOUNT.publicKey()); // B is now the least recently used

        assertThat(cache.store(accountJwt(ACCOUNT_C)).status()).isEqualTo(Status.UPDATED);

        assertThat(cache.accountKeys()).containsExactlyInAnyOrder(ACCOUNT.publicKey(), ACCOUNT_C.publicKey());
        assertThat(file(ACCOUNT_B)).doesNotExist();
        assertThat(cache.delete(ACCOUNT.publicKey()).status()).isEqualTo(Status.DELETED); // a cache deletes hard
        assertThat(file(ACCOUNT)).doesNotExist();
    }

    @Test
    void aCacheDropsAccountsUnusedForItsTtl() throws IOException {
        DirResolver cache = open(new DirResolver.Settings(tmp.resolve("jwt"), true, 0, false, false,
                Duration.ofMinutes(2)));
        cache.store(accountJwt(ACCOUNT));
        clock.advance(Duration.ofMinutes(1));
        assertThat(cache.fetch(ACCOUNT.publicKey())).isPresent(); // a use renews it
        clock.advance(Duration.ofMinutes(1).plusSeconds(30));
        assertThat(cache.fetch(ACCOUNT.publicKey())).isPresent();
        clock.advance(Duration.ofMinutes(3));

        assertThat(cache.fetch(ACCOUNT.publicKey())).isEmpty();
        assertThat(file(ACCOUNT)).doesNotExist();
    }

    @Test
    void reloadTakesChangedFilesAndDropsVanishedOnes() throws IOException {
        DirResolver resolver = full();
        resolver.store(accountJwt(ACCOUNT));
        resolver.store(accountJwt(ACCOUNT_B));
        updates.clear();
        String edited = accountJwt(AccountClaims.of(ACCOUNT.publicKey(), "edited"), OPERATOR,
                NOW.getEpochSecond() - 7200); // older: a file on disk is taken as it is
        Files.writeString(file(ACCOUNT), edited);
        Files.delete(file(ACCOUNT_B));
        Files.writeString(file(ACCOUNT_C), "garbage");

        List<String> problems = resolver.reload();

        assertThat(problems).hasSize(1).first().asString().contains(ACCOUNT_C.publicKey());
        assertThat(resolver.fetch(ACCOUNT.publicKey())).contains(edited);
        assertThat(updates).extracting(c -> c.data().name()).containsExactly("edited");
        assertThat(deletes).containsExactly(ACCOUNT_B.publicKey());
        assertThat(resolver.accountKeys()).containsExactly(ACCOUNT.publicKey());

        // A file damaged after start keeps the account's last good JWT.
        Files.writeString(file(ACCOUNT), "eyJ.truncated");
        assertThat(resolver.reload()).hasSize(2);
        assertThat(resolver.fetch(ACCOUNT.publicKey())).contains(edited);
    }

    @Test
    void aListenerThatThrowsDoesNotUndoTheStore() throws IOException {
        DirResolver resolver = full();
        resolver.onUpdate(c -> {
            throw new IllegalStateException("boom");
        });
        assertThat(resolver.store(accountJwt(ACCOUNT)).status()).isEqualTo(Status.UPDATED);
        assertThat(updates).hasSize(1);
    }

    @Test
    void aDirectoryPathThatIsAFileIsAnError() throws IOException {
        Path notDir = Files.writeString(tmp.resolve("file"), "x");
        org.assertj.core.api.Assertions.assertThatThrownBy(
                () -> DirResolver.open(DirResolver.Settings.full(notDir), trust(), clock))
                .isInstanceOf(IOException.class).hasMessageContaining("not a directory");
    }

    @Test
    void theMemoryResolverUpdatesOnlyWhatItHolds() {
        String preload = accountJwt(ACCOUNT, NOW.getEpochSecond() - 100);
        MemoryResolver memory = new MemoryResolver(trust(), Map.of(ACCOUNT.publicKey(), preload));
        memory.onUpdate(updates::add);

        assertThat(memory.fetch(ACCOUNT.publicKey())).contains(preload);
        assertThat(memory.store(accountJwt(ACCOUNT_B)))
                .isEqualTo(new UpdateResult(Status.SKIPPED, ACCOUNT_B.publicKey(), "jwt update skipped"));
        assertThat(memory.store(accountJwt(ACCOUNT_B)).ok()).isTrue();
        String newer = accountJwt(ACCOUNT, NOW.getEpochSecond());
        assertThat(memory.store(newer).status()).isEqualTo(Status.UPDATED);
        assertThat(memory.fetch(ACCOUNT.publicKey())).contains(newer);
        assertThat(memory.store(preload).status()).isEqualTo(Status.STALE);
        assertThat(memory.delete(ACCOUNT.publicKey()).text()).isEqualTo("store is not set up to for delete");
        assertThat(memory.accountKeys()).containsExactly(ACCOUNT.publicKey());
        assertThat(updates).hasSize(1);
    }

    @Test
    void theMemoryResolverRefusesPreloadsThatDoNotVerify() {
        String untrusted = accountJwt(AccountClaims.of(ACCOUNT.publicKey(), "a"), STRANGER_OPERATOR,
                NOW.getEpochSecond());
        org.assertj.core.api.Assertions.assertThatThrownBy(
                () -> new MemoryResolver(trust(), Map.of(ACCOUNT.publicKey(), untrusted)))
                .isInstanceOf(IllegalArgumentException.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(
                () -> new MemoryResolver(trust(), Map.of(ACCOUNT_B.publicKey(), accountJwt(ACCOUNT))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("about account");
    }

    @Test
    void filesAreAsciiJwtsWithoutANewline() throws IOException {
        DirResolver resolver = full();
        String jwt = accountJwt(ACCOUNT);
        resolver.store(jwt);
        assertThat(Files.readAllBytes(file(ACCOUNT))).isEqualTo(jwt.getBytes(StandardCharsets.US_ASCII));
    }
}
