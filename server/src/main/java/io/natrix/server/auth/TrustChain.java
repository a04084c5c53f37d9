package io.natrix.server.auth;

import io.natrix.server.auth.AccountClaims.SigningKey;
import io.natrix.server.auth.AccountClaims.UserScope;
import io.natrix.server.subject.Subjects;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The links of operator-mode trust, checked on decoded claims as nats-server checks them:
 * <pre>
 *   operator JWT  (configured; its key and signing keys are the trusted keys)
 *      └─ signs account JWT   (issuer: the operator key, unless strict signing key usage, or an operator signing key)
 *           └─ signs user JWT (issuer: the account key, or one of the account's signing keys with
 *                              issuer_account naming the account)
 * </pre>
 * A user issued by a scoped signing key carries no permissions of its own; it gets the scope's template, whose
 * {@code {{...}}} placeholders are filled from the user and the account (see {@link #expandTemplate}).
 *
 * <p>Not here, because they need the connection: the nonce signature, {@code src}, {@code times} and connection type
 * checks of the CONNECT handshake.
 *
 * <p>Stateless and thread-safe.
 */
public final class TrustChain {
    /** Most subjects one template list may expand to, nats-server's bound against tag cross products. */
    public static final int TEMPLATE_EXPANSIONS_MAX = 4096;
    /** Most placeholders in one template entry; real templates have a handful. */
    public static final int TEMPLATE_PLACEHOLDERS_MAX = 256;
    /** Most characters one template list may expand to, so a long entry times many tag values stays bounded. */
    public static final int TEMPLATE_EXPANDED_CHARS_MAX = 1 << 20;

    private TrustChain() {
    }

    /**
     * The keys whose account JWTs are trusted: each operator's own key (unless it demands strict signing key usage)
     * and its signing keys.
     */
    public static Set<String> trustedKeys(Collection<OperatorClaims> operators) {
        Set<String> keys = new LinkedHashSet<>();
        for (OperatorClaims operator : operators) {
            if (!operator.strictSigningKeyUsage()) {
                keys.add(operator.data().subject());
            }
            keys.addAll(operator.signingKeys());
        }
        return Set.copyOf(keys);
    }

    /**
     * Checks that {@code account} was issued by one of {@code trustedKeys} and has not expired at {@code now}.
     *
     * @throws JwtException {@code UNTRUSTED_ISSUER} or {@code EXPIRED}
     */
    public static void checkAccount(AccountClaims account, Set<String> trustedKeys, Instant now) {
        if (!trustedKeys.contains(account.data().issuer())) {
            throw new JwtException(JwtException.Reason.UNTRUSTED_ISSUER,
                    "the account JWT is not signed by a trusted operator key");
        }
        if (account.isExpired(now)) {
            throw new JwtException(JwtException.Reason.EXPIRED, "the account JWT expired");
        }
    }

    /**
     * Checks a user against its account and returns what the user may do. In nats-server's order:
     * <ol>
     *   <li>the user belongs to the account ({@code issuer_account}, or else the issuer, is the account key);</li>
     *   <li>the issuer is the account key or one of its signing keys;</li>
     *   <li>under a scoped signing key, the user sets no permissions or limits and gets the expanded template;</li>
     *   <li>the account has not expired at {@code now};</li>
     *   <li>a bearer token is allowed by the account;</li>
     *   <li>the user is not revoked.</li>
     * </ol>
     *
     * @return the user's effective permissions and limits
     * @throws JwtException {@code UNTRUSTED_ISSUER}, {@code SCOPE_VIOLATION}, {@code EXPIRED},
     *                      {@code BEARER_NOT_ALLOWED} or {@code REVOKED}
     */
    public static UserPermissionLimits authorizeUser(UserClaims user, AccountClaims account, Instant now) {
        return authorizeUser(user, account, now, true);
    }

    /**
     * {@link #authorizeUser(UserClaims, AccountClaims, Instant)}, optionally without the revocation check: the CONNECT
     * handshake checks revocation itself, after the nonce signature, where nats-server checks it.
     */
    static UserPermissionLimits authorizeUser(UserClaims user, AccountClaims account, Instant now,
                                              boolean checkRevocation) {
        String accountKey = account.data().subject();
        if (!user.account().equals(accountKey)) {
            throw new JwtException(JwtException.Reason.UNTRUSTED_ISSUER, "the user JWT belongs to another account");
        }
        String issuer = user.data().issuer();
        UserPermissionLimits effective = user.limits();
        if (!issuer.equals(accountKey)) {
            SigningKey signingKey = account.signingKeys().get(issuer);
            if (signingKey == null) {
                throw new JwtException(JwtException.Reason.UNTRUSTED_ISSUER,
                        "the user JWT is not signed by the account or one of its signing keys");
            }
            if (signingKey.isScoped()) {
                if (!user.limits().isEmpty()) {
                    throw new JwtException(JwtException.Reason.SCOPE_VIOLATION,
                            "a user issued by a scoped signing key must not set permissions or limits");
                }
                effective = expandTemplate(signingKey.scope(), user, account);
            }
        }
        if (account.isExpired(now)) {
            throw new JwtException(JwtException.Reason.EXPIRED, "the account JWT expired");
        }
        if (effective.bearerToken() && account.limits().disallowBearer()) {
            throw new JwtException(JwtException.Reason.BEARER_NOT_ALLOWED, "the account does not allow bearer tokens");
        }
        if (checkRevocation && account.isRevoked(user.data().subject(), user.data().issuedAtSeconds())) {
            throw new JwtException(JwtException.Reason.REVOKED, "the user JWT was revoked");
        }
        return effective;
    }

    /**
     * A scope's template with its permission subjects expanded for one user. Placeholders, case-insensitive, inside
     * {@code {{ }}}:
     * <pre>
     *   name()              the user JWT's name
     *   subject()           the user's public key
     *   account-name()      the account JWT's name
     *   account-subject()   the account's public key
     *   tag(x)              every value v of a user tag "x:v" (one subject per value)
     *   account-tag(x)      every value v of an account tag "x:v"
     * </pre>
     * An expansion that is no valid subject is dropped from allow lists and fails the user in deny lists; so does a
     * tag with no value. An allow list that expands to nothing becomes a deny of {@code >}, so a template never
     * grants more than it says. Lists without placeholders stay as they are.
     *
     * @throws JwtException {@code SCOPE_VIOLATION} for an unknown placeholder, a bad deny expansion, or more than
     *                      {@link #TEMPLATE_EXPANSIONS_MAX} subjects
     */
    public static UserPermissionLimits expandTemplate(UserScope scope, UserClaims user, AccountClaims account) {
        UserPermissionLimits template = scope.template();
        JwtPermissions p = template.permissions();
        TemplateValues values = new TemplateValues(user, account);
        List<String> subAllow = expand(p.sub().allow(), false, values);
        List<String> subDeny = expand(p.sub().deny(), true, values);
        List<String> pubAllow = expand(p.pub().allow(), false, values);
        List<String> pubDeny = expand(p.pub().deny(), true, values);
        if (!p.sub().allow().isEmpty() && subAllow.isEmpty()) {
            subDeny = withDenyAll(subDeny);
        }
        if (!p.pub().allow().isEmpty() && pubAllow.isEmpty()) {
            pubDeny = withDenyAll(pubDeny);
        }
        return template.withPermissions(new JwtPermissions(new JwtPermissions.Permission(pubAllow, pubDeny),
                new JwtPermissions.Permission(subAllow, subDeny), p.resp()));
    }

    private static List<String> withDenyAll(List<String> deny) {
        if (deny.contains(">")) {
            return deny;
        }
        List<String> out = new ArrayList<>(deny);
        out.add(">");
        return out;
    }

    private static List<String> expand(List<String> list, boolean failOnBadSubject, TemplateValues values) {
        boolean any = false;
        for (String entry : list) {
            if (!placeholders(entry).isEmpty()) {
                any = true;
                break;
            }
        }
        if (!any) {
            return list;
        }
        Emitted emitted = new Emitted(failOnBadSubject);
        for (String entry : list) {
            List<String> sources = placeholders(entry);
            if (sources.size() > TEMPLATE_PLACEHOLDERS_MAX) {
                throw scopeViolation("a template entry has more than " + TEMPLATE_PLACEHOLDERS_MAX + " placeholders");
            }
            List<List<String>> choices = new ArrayList<>(sources.size());
            boolean hasTags = false;
            for (String source : sources) {
                String op = source.substring(2, source.length() - 2).strip();
                Tag tag = Tag.parse(op);
                if (tag != null) {
                    hasTags = true;
                    List<String> tagValues = tag.values(values);
                    if (tagValues.isEmpty()) {
                        if (failOnBadSubject) {
                            throw scopeViolation("the template tag \"" + clip(tag.name) + "\" has no value");
                        }
                        // A value that makes the subject invalid, so it is dropped below.
                        tagValues = List.of(" ");
                    }
                    choices.add(tagValues);
                } else {
                    choices.add(List.of(values.function(op)));
                }
            }
            if (!hasTags) {
                emitted.add(substitute(entry, sources, choices, new int[sources.size()]));
                continue;
            }
            long combinations = 1;
            for (List<String> choice : choices) {
                combinations *= choice.size();
                if (combinations > TEMPLATE_EXPANSIONS_MAX) {
                    throw scopeViolation("the template expands to more than " + TEMPLATE_EXPANSIONS_MAX + " subjects");
                }
            }
            if (emitted.subjects.size() + combinations > TEMPLATE_EXPANSIONS_MAX) {
                throw scopeViolation("the template expands to more than " + TEMPLATE_EXPANSIONS_MAX + " subjects");
            }
            // Every combination of values, the last placeholder varying fastest.
            int[] index = new int[sources.size()];
            for (long n = 0; n < combinations; n++) {
                emitted.add(substitute(entry, sources, choices, index));
                for (int j = index.length - 1; j >= 0; j--) {
                    if (++index[j] < choices.get(j).size()) {
                        break;
                    }
                    index[j] = 0;
                }
            }
        }
        return emitted.subjects;
    }

    private static String substitute(String entry, List<String> sources, List<List<String>> choices, int[] index) {
        String subject = entry;
        for (int j = 0; j < sources.size(); j++) {
            subject = subject.replace(sources.get(j), choices.get(j).get(index[j]));
        }
        return subject;
    }

    /** The subjects a list expands to, with the character budget. */
    private static final class Emitted {
        private final boolean failOnBadSubject;
        private final List<String> subjects = new ArrayList<>();
        private long chars;

        Emitted(boolean failOnBadSubject) {
            this.failOnBadSubject = failOnBadSubject;
        }

        void add(String subject) {
            if (!Subjects.isValidSubscribeSubject(subject)) {
                if (failOnBadSubject) {
                    throw scopeViolation("the template generated an invalid subject");
                }
                return;
            }
            chars += subject.length();
            if (chars > TEMPLATE_EXPANDED_CHARS_MAX) {
                throw scopeViolation("the template expands to more than " + TEMPLATE_EXPANDED_CHARS_MAX
                        + " characters");
            }
            subjects.add(subject);
        }
    }

    /**
     * The placeholders of an entry, left to right: "{{", at least one character other than '}', "}}".
     */
    static List<String> placeholders(String entry) {
        List<String> found = new ArrayList<>();
        int i = 0;
        while (i + 5 <= entry.length()) {
            if (entry.startsWith("{{", i)) {
                int j = i + 2;
                while (j < entry.length() && entry.charAt(j) != '}') {
                    j++;
                }
                if (j > i + 2 && entry.startsWith("}}", j)) {
                    found.add(entry.substring(i, j + 2));
                    i = j + 2;
                } else {
                    // Every start before j would stop at the same '}' and fail the same way; skipping them keeps
                    // the scan linear on inputs like "{{{{{{...".
                    i = j;
                }
                continue;
            }
            i++;
        }
        return found;
    }

    private static JwtException scopeViolation(String message) {
        return new JwtException(JwtException.Reason.SCOPE_VIOLATION, message);
    }

    private static String clip(String text) {
        return text.length() <= 64 ? text : text.substring(0, 64) + "...";
    }

    /** What the placeholders read from. */
    private record TemplateValues(UserClaims user, AccountClaims account) {
        String function(String op) {
            if (op.equalsIgnoreCase("name()")) {
                return user.data().name();
            }
            if (op.equalsIgnoreCase("subject()")) {
                return user.data().subject();
            }
            if (op.equalsIgnoreCase("account-name()")) {
                return account.data().name();
            }
            if (op.equalsIgnoreCase("account-subject()")) {
                return user.issuerAccount();
            }
            throw scopeViolation("unknown template operation \"" + clip(op) + "\"");
        }
    }

    /**
     * A {@code tag(x)} or {@code account-tag(x)} placeholder. The function name is matched ignoring case but stripped
     * only when written in lower case, so "TAG(x)" looks for tags named "tag(x": nats-server's behaviour, kept so
     * both servers grant the same subjects.
     */
    private record Tag(boolean account, String name) {
        static Tag parse(String op) {
            if (op.length() >= 4 && op.regionMatches(true, 0, "tag(", 0, 4) && op.endsWith(")")) {
                return new Tag(false, trimCall(op, "tag("));
            }
            if (op.length() >= 12 && op.regionMatches(true, 0, "account-tag(", 0, 12) && op.endsWith(")")) {
                return new Tag(true, trimCall(op, "account-tag("));
            }
            return null;
        }

        private static String trimCall(String op, String prefix) {
            String inner = op.startsWith(prefix) ? op.substring(prefix.length()) : op;
            return inner.endsWith(")") ? inner.substring(0, inner.length() - 1) : inner;
        }

        List<String> values(TemplateValues from) {
            List<String> tags = account ? from.account().tags() : from.user().tags();
            String prefix = name.toLowerCase(Locale.ROOT) + ":";
            List<String> out = new ArrayList<>();
            for (String tag : tags) {
                if (tag.startsWith(prefix)) {
                    out.add(tag.substring(prefix.length()));
                }
            }
            return out;
        }
    }
}
