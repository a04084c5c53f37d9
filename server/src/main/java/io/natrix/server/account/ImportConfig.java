package io.natrix.server.account;

import io.natrix.server.auth.ExportType;
import io.natrix.server.subject.Subjects;
import java.util.Objects;

/**
 * One import of an account as the configuration declares it: messages ({@link ExportType#STREAM}) or requests
 * ({@link ExportType#SERVICE}) taken from a subject another account exports.
 * <pre>{@code
 * { stream: { account: A, subject: "public.>" }, prefix: "from.a" }   # seen here as from.a.public.>
 * { stream: { account: A, subject: "orders.*" }, to: "a.orders.$1" }  # seen here as a.orders.*
 * { service: { account: A, subject: "req.foo" }, to: "local.foo", share: true }
 * }</pre>
 *
 * @param type        stream or service
 * @param fromAccount the exporting account, by its configuration name
 * @param subject     the subject in the exporting account
 * @param to          the subject in this account, as written (placeholders such as {@code $1} included), or null
 *                    when absent; a service import without it uses {@link #subject}
 * @param prefix      streams only: a literal prefix put before the subject in this account, or null
 * @param share       services only: whether latency measurements may include this account's requesters
 * @param allowTrace  streams only: whether message traces may cross into this account
 */
public record ImportConfig(ExportType type, String fromAccount, String subject, String to, String prefix,
                           boolean share, boolean allowTrace) {
    public ImportConfig {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(fromAccount, "fromAccount");
        Objects.requireNonNull(subject, "subject");
    }

    /**
     * The subjects this import occupies in the importing account: the prefixed or renamed subject, with mapping
     * placeholders read as {@code *} (as nats-server stores it); the exported subject when neither applies.
     */
    public String localSubject() {
        String local;
        if (prefix != null) {
            local = prefix.endsWith(".") ? prefix + subject : prefix + "." + subject;
        } else {
            local = to != null ? to : subject;
        }
        if (!local.equals(subject) && Subjects.hasWildcard(subject)) {
            return ImportSubjects.untokenize(local);
        }
        return local;
    }
}
