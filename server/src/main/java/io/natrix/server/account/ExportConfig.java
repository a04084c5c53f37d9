package io.natrix.server.account;

import io.natrix.server.auth.AccountClaims;
import io.natrix.server.auth.ExportType;
import io.natrix.server.subject.Subjects;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;

/**
 * One export of an account as the configuration declares it: a subject space other accounts may import, as a
 * stream of messages or as a request/reply service.
 * <pre>{@code
 * { stream: "public.>" }                                   # public: any account may import
 * { stream: "private.>", accounts: [B, C] }                # only B and C
 * { service: "req.>", response: stream, response_threshold: "2s", accounts: [B],
 *   latency: { sampling: 50%, subject: "lat.req" }, allow_trace: true }
 * { service: "acct.*.req", account_token_position: 2 }     # B may import acct.B.req, C acct.C.req
 * }</pre>
 * Declarations of the same subject and type are merged into one, as nats-server merges them.
 *
 * @param subject              the exported subject, wildcards allowed
 * @param type                 stream or service
 * @param response             services: how the service answers; null for streams
 * @param threshold            services: how long responses may take ({@link #DEFAULT_RESPONSE_THRESHOLD} unless
 *                             set); null for streams
 * @param accounts             the accounts allowed to import, by configuration name; empty means public (unless
 *                             {@link #accountTokenPosition} is set)
 * @param accountTokenPosition 1-based token of the subject (a {@code *}) that must equal the importing account's
 *                             name; 0 when not used
 * @param latency              services: latency tracking, or null
 * @param allowTrace           services: whether message traces may cross into the exporter
 */
public record ExportConfig(String subject, ExportType type, ResponseType response, Duration threshold,
                           Set<String> accounts, int accountTokenPosition, AccountClaims.ServiceLatency latency,
                           boolean allowTrace) {
    /** nats-server's DEFAULT_SERVICE_EXPORT_RESPONSE_THRESHOLD. */
    public static final Duration DEFAULT_RESPONSE_THRESHOLD = Duration.ofMinutes(2);
    /** Latency sampling when none is given, in percent. */
    public static final int DEFAULT_LATENCY_SAMPLING = 100;

    public ExportConfig {
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(type, "type");
        accounts = accounts == null ? Set.of() : Collections.unmodifiableSet(new LinkedHashSet<>(accounts));
    }

    /** Whether any account may import. */
    public boolean isPublic() {
        return accounts.isEmpty() && accountTokenPosition == 0;
    }

    /** Whether {@code importSubject} (valid, wildcards allowed) lies within this export's subject. */
    public boolean covers(String importSubject) {
        return importSubject.equals(subject) || Subjects.isSubsetOf(importSubject, subject);
    }

    /**
     * Whether {@code importer} may import {@code importSubject}, a subject this export {@linkplain #covers covers}.
     * With an account token position, the subject's token there must be the importer's name; importing the
     * export's own subject (with its {@code *} in that place) is refused, as in nats-server.
     */
    public boolean authorizes(String importer, String importSubject) {
        if (accountTokenPosition > 0) {
            if (importSubject.equals(subject)) {
                return false;
            }
            String[] tokens = Subjects.tokens(importSubject);
            return accountTokenPosition <= tokens.length && tokens[accountTokenPosition - 1].equals(importer);
        }
        return accounts.isEmpty() || accounts.contains(importer);
    }
}
