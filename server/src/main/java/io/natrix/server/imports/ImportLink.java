package io.natrix.server.imports;

import io.natrix.server.account.Account;
import io.natrix.server.auth.ExportType;
import io.natrix.server.subject.SubjectTransform;
import java.time.Duration;
import java.util.Objects;

/**
 * One resolved import, whatever declared it (an {@code accounts} block or an account JWT): messages on
 * {@code remoteSubject} in {@code exporter} appear on {@code localSubject} in the importing account (a stream), or
 * requests on {@code localSubject} in the importing account go to {@code remoteSubject} in {@code exporter} and
 * the responses come back (a service).
 *
 * <p>The two subjects have the same wildcards in the same order ({@code *} tokens and a trailing {@code >}); a
 * message's wildcard tokens carry over from one to the other ({@link WildcardMapping}).
 *
 * @param type              stream or service
 * @param exporter          the account that exports
 * @param remoteSubject     the subject in the exporting account
 * @param localSubject      the subject in the importing account
 * @param singleResponse    services: only the first response crosses back (response type Singleton)
 * @param responseThreshold services: how long the responses of one request may take
 * @param transform         how a subject crosses (streams: remote to local; services: local to remote) when the
 *                          import renames with {@code $n} / {@code {{wildcard(n)}}}; null: wildcards carry over in
 *                          order ({@link WildcardMapping})
 * @param share             services: the exporter learns the requester's details ({@link RequestInfo}), not only
 *                          its account
 * @param allowTrace        whether message traces go on across the import ({@code allow_trace}: the service
 *                          export's for a service, the import's own for a stream); otherwise the crossing is the
 *                          last event traced
 */
public record ImportLink(ExportType type, Account exporter, String remoteSubject, String localSubject,
                         boolean singleResponse, Duration responseThreshold, SubjectTransform transform,
                         boolean share, boolean allowTrace) {
    /** nats-server's default time for a service's responses. */
    public static final Duration DEFAULT_RESPONSE_THRESHOLD = Duration.ofMinutes(2);

    public ImportLink {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(exporter, "exporter");
        Objects.requireNonNull(remoteSubject, "remoteSubject");
        Objects.requireNonNull(localSubject, "localSubject");
        if (type == ExportType.UNKNOWN) {
            throw new IllegalArgumentException("an import is a stream or a service");
        }
        responseThreshold = responseThreshold == null || responseThreshold.isZero() || responseThreshold.isNegative()
                ? DEFAULT_RESPONSE_THRESHOLD : responseThreshold;
    }

    public static ImportLink stream(Account exporter, String remoteSubject, String localSubject) {
        return new ImportLink(ExportType.STREAM, exporter, remoteSubject, localSubject, false, null, null, false,
                false);
    }

    public static ImportLink service(Account exporter, String remoteSubject, String localSubject,
                                     boolean singleResponse, Duration responseThreshold) {
        return new ImportLink(ExportType.SERVICE, exporter, remoteSubject, localSubject, singleResponse,
                responseThreshold, null, false, false);
    }

    /** This link, crossing subjects with {@code transform} (see the record description). */
    public ImportLink withTransform(SubjectTransform transform) {
        return new ImportLink(type, exporter, remoteSubject, localSubject, singleResponse, responseThreshold,
                transform, share, allowTrace);
    }

    /** This link, sharing the requester's details with the exporter or not (services). */
    public ImportLink withShare(boolean share) {
        return new ImportLink(type, exporter, remoteSubject, localSubject, singleResponse, responseThreshold,
                transform, share, allowTrace);
    }

    /** This link, letting message traces go on across it or not. */
    public ImportLink withAllowTrace(boolean allowTrace) {
        return new ImportLink(type, exporter, remoteSubject, localSubject, singleResponse, responseThreshold,
                transform, share, allowTrace);
    }

    /** The function that carries a subject across: the transform, or wildcards in order from {@code from}. */
    java.util.function.UnaryOperator<String> crossing(String from, String to) {
        if (transform != null) {
            return subject -> {
                String out = transform.apply(subject);
                return out == null ? subject : out;
            };
        }
        return WildcardMapping.of(from, to)::apply;
    }
}
