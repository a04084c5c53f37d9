package io.natrix.server.account;

import io.natrix.server.auth.AccountClaims;
import io.natrix.server.auth.ExportType;
import io.natrix.server.auth.PermissionsViolation;
import io.natrix.server.auth.UserConfigField;
import io.natrix.server.config.ConfigException;
import io.natrix.server.config.ConfigLoader;
import io.natrix.server.config.ConfigParser;
import io.natrix.server.config.ConfigUnits;
import io.natrix.server.config.ServerOptions;
import io.natrix.server.subject.Subjects;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * Walks one configuration for {@link AccountConfigs#read} in nats-server's two steps (parseAccounts in
 * server/opts.go): first every account's entries, then, if those were all well-formed, the exports and imports
 * against each other (stream exports, service exports, stream imports, service imports, each in configuration
 * order), with the checks of server/accounts.go. Each step collects every problem before throwing the first.
 *
 * <p>Users, default permissions, JetStream, limits and nkeys of an account are other readers'.
 *
 * <p>Single use, one thread.
 */
final class AccountConfigReader {
    /** Account keys nats-server knows that other readers handle. */
    private static final Set<String> ACCOUNT_KEYS_ELSEWHERE = Set.of("nkey", "users", "default_permissions",
            "jetstream", "limits");
    /** Top-level keys that put the server in operator mode, where accounts do not come from this block. */
    private static final Set<String> OPERATOR_KEYS = Set.of("operator", "operators", "root", "roots",
            "root_operator", "root_operators", "trusted", "trusted_keys");
    private static final String MAP_SOURCE = "<config>";
    /** Longest subject token list an account token position may point into; larger is a typo. */
    private static final int TOKEN_POSITION_MAX = 1024;

    private final ConfigParser.Position wholeFile;
    private final Map<String, Object> raw;
    private final List<ConfigException> errors = new ArrayList<>();
    private final List<ConfigLoader.Warning> warnings = new ArrayList<>();
    private final LinkedHashMap<String, Draft> accounts = new LinkedHashMap<>();
    private final List<MappingsConfig> globalMappings = new ArrayList<>();
    private UserConfigField systemAccountField;
    private UserConfigField systemField;
    private boolean noSystemAccount;
    private boolean operatorMode;

    /** One account as read, before its exports and imports are checked against the others. */
    private static final class Draft {
        final String name;
        final List<ExportDraft> exports = new ArrayList<>();
        final List<ImportDraft> imports = new ArrayList<>();
        final List<MappingsConfig> mappings = new ArrayList<>();
        /** Merged exports by type and subject, filled while linking. */
        final LinkedHashMap<String, MergedExport> merged = new LinkedHashMap<>();
        final List<ImportConfig> accepted = new ArrayList<>();
        /** msg_trace: where traceparent headers send traces (null: nowhere), and how many of them. */
        String traceSubject;
        int traceSampling;

        Draft(String name) {
            this.name = name;
        }
    }

    /** One export entry; accounts is null for a public one. */
    private record ExportDraft(ExportType type, String subject, ResponseType response, Duration threshold,
                               List<String> accounts, int tokenPosition, AccountClaims.ServiceLatency latency,
                               boolean allowTrace, UserConfigField at, UserConfigField accountsField) {
    }

    private record ImportDraft(ImportConfig config, UserConfigField at) {
    }

    /** The keys of one export entry, collected before they are checked together. */
    private static final class ExportEntry {
        ExportType type;
        String subject;
        ResponseType response;
        UserConfigField responseField;
        Duration threshold;
        UserConfigField thresholdField;
        List<String> accounts;
        UserConfigField accountsField;
        AccountClaims.ServiceLatency latency;
        UserConfigField latencyField;
        int tokenPosition;
        boolean allowTrace;
        UserConfigField allowTraceField;
    }

    /** The keys of one import entry. */
    private static final class ImportEntry {
        ExportType type;
        String account;
        String subject;
        String prefix;
        String to;
        UserConfigField toField;
        boolean share;
        boolean allowTrace;
        UserConfigField allowTraceField;
    }

    /** Several declarations of one exported subject folded together the way nats-server applies them in turn. */
    private static final class MergedExport {
        final ExportType type;
        final String subject;
        /** Where the first declaration stands among the account's exports, to keep configuration order. */
        final int order;
        ResponseType response = ResponseType.SINGLETON;
        Duration threshold = ExportConfig.DEFAULT_RESPONSE_THRESHOLD;
        final Set<String> accounts = new LinkedHashSet<>();
        boolean restricted;
        int tokenPosition;
        AccountClaims.ServiceLatency latency;
        boolean allowTrace;

        MergedExport(ExportType type, String subject, int order) {
            this.type = type;
            this.subject = subject;
            this.order = order;
        }

        ExportConfig toConfig() {
            boolean service = type == ExportType.SERVICE;
            return new ExportConfig(subject, type, service ? response : null, service ? threshold : null,
                    restricted ? accounts : Set.of(), restricted ? tokenPosition : 0, latency, allowTrace);
        }
    }

    AccountConfigReader(ServerOptions options) {
        this.raw = options.rawConfig();
        this.wholeFile = new ConfigParser.Position(
                options.configFile() != null ? options.configFile().toString() : MAP_SOURCE, 0, 0);
    }

    AccountConfigs read() {
        for (Object key : raw.keySet()) {
            String text = String.valueOf(key);
            UserConfigField field = UserConfigField.of(raw, text, "", wholeFile);
            try {
                String lower = text.toLowerCase(Locale.ROOT);
                switch (lower) {
                    case "accounts" -> accounts(field);
                    case "mappings", "maps" -> globalMappings.add(mappings(field));
                    case "system_account" -> systemAccountField = named(field);
                    case "system" -> systemField = named(field);
                    case "no_system_account", "no_system", "no_sys_acc" -> noSystemAccount = field.bool();
                    default -> operatorMode |= OPERATOR_KEYS.contains(lower);
                }
            } catch (ConfigException e) {
                errors.add(e);
            }
        }
        String systemAccount = systemAccount();
        throwIfAny();
        link();
        throwIfAny();
        List<AccountConfig> result = new ArrayList<>(accounts.size());
        for (Draft d : accounts.values()) {
            // Stream exports were merged before service exports; hand them out in configuration order.
            List<ExportConfig> exports = d.merged.values().stream()
                    .sorted(Comparator.comparingInt(m -> m.order)).map(MergedExport::toConfig).toList();
            Account.TraceDestination trace = d.traceSubject == null ? null
                    : new Account.TraceDestination(d.traceSubject, d.traceSampling);
            result.add(new AccountConfig(d.name, exports, d.accepted, d.mappings, trace));
        }
        return new AccountConfigs(result, globalMappings, systemAccount, noSystemAccount, warnings);
    }

    private void throwIfAny() {
        if (errors.isEmpty()) {
            return;
        }
        ConfigException first = errors.get(0);
        for (ConfigException other : errors.subList(1, errors.size())) {
            first.addSuppressed(other);
        }
        throw first;
    }

    // ---- system account ----

    private static UserConfigField named(UserConfigField field) {
        if (!(field.value() instanceof String)) {
            throw field.expected("an account name");
        }
        return field;
    }

    /** system_account wins over system, as in nats-server; an account of that name must be configured. */
    private String systemAccount() {
        UserConfigField field = systemAccountField != null ? systemAccountField : systemField;
        if (field == null) {
            return Account.SYSTEM;
        }
        String name = (String) field.value();
        // In operator mode the name is an account public key that the resolver finds; the server creates $SYS.
        if (!operatorMode && !name.equals(Account.SYSTEM) && !accounts.containsKey(name)) {
            errors.add(field.error("error resolving system account: account missing"));
        }
        return name;
    }

    // ---- step 1: the entries ----

    private void accounts(UserConfigField field) {
        if (field.value() instanceof List<?> names) {
            accountNames(field, names);
            return;
        }
        Map<?, ?> map = field.map();
        field.forEachEntry(errors, (lower, account) -> {
            String name = keyOf(field, account);
            if (ConfigParser.isReferenced(map, name)) {
                return; // a variable defined for use inside the block, not an account
            }
            if (!(account.value() instanceof Map<?, ?>)) {
                throw account.expected("a map of account settings");
            }
            if (name.equals(Account.GLOBAL)) {
                throw account.error(PermissionsViolation.quote(name) + " is a Reserved Account");
            }
            Draft draft = new Draft(name);
            accounts.put(name, draft);
            account(account, draft);
        });
    }

    /** The short form, {@code accounts: [A, B]}: accounts with nothing but a name. */
    private void accountNames(UserConfigField field, List<?> names) {
        for (int i = 0; i < names.size(); i++) {
            UserConfigField element = field.element(i);
            if (!(element.value() instanceof String name)) {
                errors.add(element.expected("an account name"));
                continue;
            }
            if (name.equals(Account.GLOBAL)) {
                errors.add(element.error(PermissionsViolation.quote(name) + " is a Reserved Account"));
            } else if (accounts.containsKey(name)) {
                errors.add(element.error("duplicate account entry: " + name));
            } else {
                accounts.put(name, new Draft(name));
            }
        }
    }

    private void account(UserConfigField account, Draft draft) {
        Map<?, ?> map = account.map();
        account.forEachEntry(errors, (key, sub) -> {
            switch (key) {
                case "exports" -> {
                    List<?> entries = sub.list();
                    for (int i = 0; i < entries.size(); i++) {
                        try {
                            ExportDraft export = export(sub.element(i));
                            if (export != null) {
                                draft.exports.add(export);
                            }
                        } catch (ConfigException e) {
                            errors.add(e);
                        }
                    }
                }
                case "imports" -> imports(sub, draft);
                case "mappings", "maps" -> draft.mappings.add(mappings(sub));
                case "msg_trace", "trace_dest" -> msgTrace(sub, draft);
                default -> {
                    if (!ACCOUNT_KEYS_ELSEWHERE.contains(key) && !ConfigParser.isReferenced(map, keyOf(account, sub))) {
                        warnings.add(new ConfigLoader.Warning(sub.at(), "unknown field \"" + sub.name() + "\""));
                    }
                }
            }
        });
    }

    /**
     * {@code msg_trace: "subject"} or {@code msg_trace: {dest: "subject", sampling: 50}} (also {@code "50%"}), as
     * nats-server reads it: the sampling defaults to 100 when there is a destination, and is ignored with a warning
     * when there is none.
     */
    private void msgTrace(UserConfigField field, Draft draft) {
        if (field.value() instanceof String) {
            draft.traceSubject = traceSubject(field);
        } else if (field.value() instanceof Map<?, ?>) {
            field.forEachEntry(errors, (key, sub) -> {
                switch (key) {
                    case "dest" -> draft.traceSubject = traceSubject(sub);
                    case "sampling" -> draft.traceSampling = traceSampling(sub);
                    default -> {
                        if (!ConfigParser.isReferenced(field.map(), keyOf(field, sub))) {
                            throw sub.error("unknown field \"" + key + "\" of account message trace");
                        }
                    }
                }
            });
        } else {
            throw field.expected("a subject or a map with dest and sampling");
        }
        if (draft.traceSubject != null && draft.traceSampling == 0) {
            draft.traceSampling = 100;
        } else if (draft.traceSubject == null && draft.traceSampling > 0) {
            warnings.add(new ConfigLoader.Warning(field.at(),
                    "Trace destination sampling ignored since no destination was set"));
            draft.traceSampling = 0;
        }
    }

    private static String traceSubject(UserConfigField field) {
        String subject = field.string();
        if (!Subjects.isValidPublishSubject(subject)) {
            throw field.error("trace destination " + PermissionsViolation.quote(subject) + " is not valid");
        }
        return subject;
    }

    private static int traceSampling(UserConfigField field) {
        long n;
        if (field.value() instanceof Long value) {
            n = value;
        } else if (field.value() instanceof String text) {
            String digits = text.endsWith("%") ? text.substring(0, text.length() - 1) : text;
            try {
                n = Integer.parseInt(digits);
            } catch (NumberFormatException e) {
                throw field.error("invalid trace destination sampling value " + PermissionsViolation.quote(text));
            }
        } else {
            throw field.expected("an integer or a percentage");
        }
        if (n <= 0 || n > 100) {
            throw field.error("trace destination sampling value " + n + " is invalid, needs to be [1..100]");
        }
        return (int) n;
    }

    private static MappingsConfig mappings(UserConfigField field) {
        return new MappingsConfig(field.name(), field.value(), field.at());
    }

    /** One export entry, or null when it has errors (added to {@link #errors}). */
    private ExportDraft export(UserConfigField element) {
        UserConfigField at = entry(element, "a map with a stream or a service");
        ExportEntry e = new ExportEntry();
        int errorsBefore = errors.size();
        forEachKey(at, (key, sub) -> {
            switch (key) {
                case "stream", "service" -> {
                    ExportType type = key.equals("stream") ? ExportType.STREAM : ExportType.SERVICE;
                    if (e.type != null && e.type != type) {
                        throw sub.error("detected " + key + " " + quoted(sub.value()) + " but already saw a "
                                + e.type.jsonName());
                    }
                    e.type = type;
                    e.subject = subject(sub);
                }
                case "response", "response_type" -> {
                    if (e.responseField != null) {
                        throw sub.error("duplicate response type definition");
                    }
                    e.responseField = sub;
                    e.response = responseType(sub);
                }
                case "threshold", "response_threshold", "response_max_time", "response_time" -> {
                    if (e.thresholdField != null) {
                        throw sub.error("duplicate response threshold detected");
                    }
                    e.thresholdField = sub;
                    e.threshold = threshold(sub);
                }
                case "accounts" -> {
                    e.accountsField = sub;
                    e.accounts = accountList(sub);
                }
                case "latency" -> {
                    e.latencyField = sub;
                    e.latency = latency(sub);
                }
                case "account_token_position" -> {
                    long position = sub.integer();
                    if (position < 0 || position > TOKEN_POSITION_MAX) {
                        throw sub.error("expected a token position from 1 to " + TOKEN_POSITION_MAX + ", got "
                                + position);
                    }
                    e.tokenPosition = (int) position;
                }
                case "allow_trace" -> {
                    e.allowTraceField = sub;
                    e.allowTrace = sub.bool();
                }
                default -> throw sub.error("unknown field");
            }
        });
        if (e.type == null) {
            if (errors.size() == errorsBefore) {
                errors.add(at.error("expected a stream or a service"));
            }
            return null;
        }
        if (e.type == ExportType.STREAM) {
            for (UserConfigField responseDirective : new UserConfigField[] {e.responseField, e.thresholdField}) {
                if (responseDirective != null) {
                    errors.add(responseDirective.error("detected response directive on non-service"));
                }
            }
            if (e.latencyField != null) {
                errors.add(e.latencyField.error("detected latency directive on non-service"));
            }
            if (e.allowTraceField != null) {
                errors.add(e.allowTraceField.error("detected allow_trace directive on non-service"));
            }
        }
        if (errors.size() > errorsBefore) {
            return null;
        }
        return new ExportDraft(e.type, e.subject, e.response, e.threshold, e.accounts, e.tokenPosition, e.latency,
                e.allowTrace, at, e.accountsField);
    }

    private static ResponseType responseType(UserConfigField field) {
        if (!(field.value() instanceof String text)) {
            throw field.expected("singleton, stream or chunked");
        }
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "single", "singleton" -> ResponseType.SINGLETON;
            case "stream" -> ResponseType.STREAMED;
            case "chunk", "chunked" -> ResponseType.CHUNKED;
            default -> throw field.error("unknown response type: " + PermissionsViolation.quote(text));
        };
    }

    /** A Go duration string; "0s" means the default, as nats-server only applies a non-zero threshold. */
    private static Duration threshold(UserConfigField field) {
        if (!(field.value() instanceof String text)) {
            throw field.expected("a duration such as \"2s\"");
        }
        try {
            Duration d = ConfigUnits.parseDuration(text);
            return d.isZero() ? null : d;
        } catch (IllegalArgumentException e) {
            throw field.error("expected response threshold to be a parseable time duration, got "
                    + PermissionsViolation.quote(text));
        }
    }

    /** The export's accounts: an array of names (nats-server takes no single name here). */
    private static List<String> accountList(UserConfigField field) {
        List<?> items = field.list();
        List<String> names = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            if (!(items.get(i) instanceof String name)) {
                throw field.element(i).expected("an account name");
            }
            names.add(name);
        }
        return names;
    }

    /** A results subject alone (100% sampling), or a map of subject and sampling. */
    private AccountClaims.ServiceLatency latency(UserConfigField field) {
        if (field.value() instanceof String results) {
            return new AccountClaims.ServiceLatency(ExportConfig.DEFAULT_LATENCY_SAMPLING, results);
        }
        if (!(field.value() instanceof Map<?, ?>)) {
            throw field.expected("a results subject or a map with subject and sampling");
        }
        int errorsBefore = errors.size();
        int[] sampling = {ExportConfig.DEFAULT_LATENCY_SAMPLING};
        String[] results = {null};
        forEachKey(field, (key, sub) -> {
            switch (key) {
                case "sampling" -> sampling[0] = sampling(sub);
                case "subject" -> results[0] = subject(sub);
                default -> throw sub.error("unknown field");
            }
        });
        if (errors.size() > errorsBefore) {
            return null;
        }
        if (results[0] == null) {
            throw field.error("latency subject required, but missing");
        }
        return new AccountClaims.ServiceLatency(sampling[0], results[0]);
    }

    /** A percentage 1 to 100 (integer, or text with an optional '%'), or "headers", which is 0. */
    private static int sampling(UserConfigField field) {
        long percent;
        if (field.value() instanceof Long n) {
            percent = n;
        } else if (field.value() instanceof String text) {
            if (text.trim().toLowerCase(Locale.ROOT).equals("headers")) {
                return 0;
            }
            Long n = ImportSubjects.goAtoi(text.endsWith("%") ? text.substring(0, text.length() - 1) : text);
            if (n == null) {
                throw field.error("failed to parse latency sample " + PermissionsViolation.quote(text));
            }
            percent = n;
        } else {
            throw field.expected("a percentage such as 50 or \"50%\", or \"headers\"");
        }
        if (percent < 1 || percent > 100) {
            throw field.error("bad sampling percentage, should be 1-100");
        }
        return (int) percent;
    }

    private void imports(UserConfigField field, Draft draft) {
        List<?> entries = field.list();
        /* Service imports by local subject, to refuse the same one twice from one account. */
        Map<String, List<ImportConfig>> bySubject = new LinkedHashMap<>();
        for (int i = 0; i < entries.size(); i++) {
            try {
                ImportDraft draftImport = importEntry(field.element(i));
                if (draftImport == null) {
                    continue;
                }
                ImportConfig config = draftImport.config();
                if (config.type() == ExportType.SERVICE) {
                    String local = config.to() != null ? config.to() : config.subject();
                    List<ImportConfig> same = bySubject.computeIfAbsent(local, s -> new ArrayList<>());
                    ImportConfig dup = same.stream().filter(s -> s.fromAccount().equals(config.fromAccount()))
                            .findFirst().orElse(null);
                    if (dup != null) {
                        throw draftImport.at().error("duplicate service import subject "
                                + PermissionsViolation.quote(local) + ", previously used in import for account "
                                + PermissionsViolation.quote(dup.fromAccount()) + ", subject "
                                + PermissionsViolation.quote(dup.subject()));
                    }
                    same.add(config);
                }
                draft.imports.add(draftImport);
            } catch (ConfigException e) {
                errors.add(e);
            }
        }
    }

    /** One import entry, or null when it has errors (added to {@link #errors}). */
    private ImportDraft importEntry(UserConfigField element) {
        UserConfigField at = entry(element, "a map with a stream or a service");
        ImportEntry e = new ImportEntry();
        int errorsBefore = errors.size();
        forEachKey(at, (key, sub) -> {
            switch (key) {
                case "stream", "service" -> {
                    ExportType type = key.equals("stream") ? ExportType.STREAM : ExportType.SERVICE;
                    if (e.type != null && e.type != type) {
                        throw sub.error("detected " + key + " but already saw a " + e.type.jsonName());
                    }
                    if (!(sub.value() instanceof Map<?, ?>)) {
                        throw sub.expected("a map with account and subject");
                    }
                    String[] accountAndSubject = new String[2];
                    forEachKey(sub, (innerKey, inner) -> {
                        switch (innerKey) {
                            case "account" -> accountAndSubject[0] = inner.string();
                            case "subject" -> accountAndSubject[1] = inner.string();
                            default -> throw inner.error("unknown field");
                        }
                    });
                    if (accountAndSubject[0] == null || accountAndSubject[0].isEmpty()
                            || accountAndSubject[1] == null || accountAndSubject[1].isEmpty()) {
                        throw sub.error("expect an account name and a subject");
                    }
                    e.type = type;
                    e.account = accountAndSubject[0];
                    e.subject = accountAndSubject[1];
                }
                case "prefix" -> e.prefix = sub.string();
                case "to" -> {
                    e.to = sub.string();
                    e.toField = sub;
                }
                case "share" -> e.share = sub.bool();
                case "allow_trace" -> {
                    e.allowTrace = sub.bool();
                    e.allowTraceField = sub;
                }
                default -> throw sub.error("unknown field");
            }
        });
        if (errors.size() > errorsBefore) {
            return null;
        }
        if (e.type == null) {
            throw at.error("expected a stream or a service");
        }
        String prefix = e.prefix == null || e.prefix.isEmpty() ? null : e.prefix;
        String to = e.to == null || e.to.isEmpty() ? null : e.to;
        if (e.type == ExportType.STREAM) {
            if (prefix != null && to != null) {
                throw e.toField.error("stream import can not have a 'prefix' and a 'to' property");
            }
            return new ImportDraft(new ImportConfig(e.type, e.account, e.subject, to, prefix, false, e.allowTrace),
                    at);
        }
        if (e.allowTraceField != null) {
            throw e.allowTraceField.error("detected allow_trace directive on a non-stream");
        }
        // nats-server takes no prefix for a service import and says nothing about one; neither do we.
        return new ImportDraft(new ImportConfig(e.type, e.account, e.subject, to, null, e.share, false), at);
    }

    // ---- step 2: exports and imports against each other ----

    private void link() {
        ImportGraph graph = new ImportGraph();
        for (ExportType type : new ExportType[] {ExportType.STREAM, ExportType.SERVICE}) {
            for (Draft account : accounts.values()) {
                for (ExportDraft export : account.exports) {
                    if (export.type() == type) {
                        addExport(account, export);
                    }
                }
            }
        }
        for (Draft account : accounts.values()) {
            for (MergedExport export : account.merged.values()) {
                if (export.type == ExportType.STREAM) {
                    graph.addStreamExport(account.name, export.subject);
                }
            }
        }
        for (ExportType type : new ExportType[] {ExportType.STREAM, ExportType.SERVICE}) {
            for (Draft account : accounts.values()) {
                for (ImportDraft draft : account.imports) {
                    if (draft.config().type() != type) {
                        continue;
                    }
                    try {
                        if (type == ExportType.STREAM) {
                            addStreamImport(account, draft, graph);
                        } else {
                            addServiceImport(account, draft, graph);
                        }
                        account.accepted.add(draft.config());
                    } catch (ConfigException e) {
                        errors.add(e);
                    }
                }
            }
        }
    }

    private void addExport(Draft account, ExportDraft export) {
        String kind = export.type().jsonName();
        boolean service = export.type() == ExportType.SERVICE;
        if (export.accounts() != null) {
            for (String name : export.accounts()) {
                if (!accounts.containsKey(name)) {
                    errors.add(export.accountsField().error(PermissionsViolation.quote(name)
                            + " account not defined for " + kind + " export"));
                }
            }
        }
        String subject = export.subject();
        // nats-server takes any text as an exported subject; one that is not a subject could never be imported.
        if (!ImportSubjects.isValid(subject) || !tokenPositionFits(subject, export.tokenPosition())) {
            errors.add(export.at().error("error adding " + kind + " export " + PermissionsViolation.quote(subject)
                    + ": sublist: invalid subject"));
            return;
        }
        MergedExport merged = account.merged.computeIfAbsent(kind + " " + subject,
                k -> new MergedExport(export.type(), subject, account.exports.indexOf(export)));
        boolean restricted = (export.accounts() != null && !export.accounts().isEmpty())
                || export.tokenPosition() > 0;
        if (restricted) {
            merged.restricted = true;
            merged.accounts.addAll(export.accounts() != null ? export.accounts() : List.of());
            merged.tokenPosition = export.tokenPosition();
        }
        if (!service) {
            return;
        }
        if (export.response() != null && export.response() != ResponseType.SINGLETON) {
            merged.response = export.response();
        }
        merged.threshold = export.threshold() != null ? export.threshold() : ExportConfig.DEFAULT_RESPONSE_THRESHOLD;
        if (export.latency() != null) {
            String problem = latencyProblem(account, merged, export.latency());
            if (problem != null) {
                errors.add(export.at().error(problem));
            } else {
                merged.latency = export.latency();
            }
        }
        merged.allowTrace |= export.allowTrace();
    }

    /** An account token position must point at a {@code *} token of the subject. */
    private static boolean tokenPositionFits(String subject, int position) {
        if (position == 0) {
            return true;
        }
        String[] tokens = Subjects.tokens(subject);
        return position <= tokens.length && tokens[position - 1].equals("*");
    }

    private String latencyProblem(Draft account, MergedExport export, AccountClaims.ServiceLatency latency) {
        String subject = PermissionsViolation.quote(export.subject);
        if (noSystemAccount) {
            return "error adding service latency sampling for " + subject + ": system account not setup";
        }
        String prefix = "error adding service latency sampling for " + subject + " on subject "
                + PermissionsViolation.quote(latency.results()) + ": ";
        // Results published to the service itself would loop; nats-server compares with the exports added so far,
        // we with all of the account's service exports.
        boolean intoOwnService = Subjects.isValidPublishSubject(latency.results()) && account.exports.stream()
                .anyMatch(e -> e.type() == ExportType.SERVICE && ImportSubjects.isValid(e.subject())
                        && (e.subject().equals(latency.results())
                        || Subjects.isSubsetOf(latency.results(), e.subject())));
        if (!Subjects.isValidPublishSubject(latency.results()) || intoOwnService) {
            return prefix + "invalid publish subject";
        }
        if (export.response != ResponseType.SINGLETON) {
            return prefix + "bad service response type";
        }
        return null;
    }

    private void addStreamImport(Draft importer, ImportDraft draft, ImportGraph graph) {
        ImportConfig config = draft.config();
        UserConfigField at = draft.at();
        if (!accounts.containsKey(config.fromAccount())) {
            throw at.error(PermissionsViolation.quote(config.fromAccount()) + " account not defined for stream import");
        }
        String subject = config.subject();
        String failed = "error adding stream import " + PermissionsViolation.quote(subject) + ": ";
        // nats-server says "not authorized" for an invalid subject; we say what is wrong.
        if (!ImportSubjects.isValid(subject)) {
            throw at.error(failed + "sublist: invalid subject");
        }
        if (!allows(config.fromAccount(), ExportType.STREAM, subject, importer.name)) {
            throw at.error(failed + "stream import not authorized");
        }
        String local;
        if (config.prefix() != null) {
            if (Subjects.hasWildcard(config.prefix())) {
                throw at.error(failed + "stream import prefix can not contain wildcard tokens");
            }
            local = config.prefix().endsWith(".") ? config.prefix() + subject : config.prefix() + "." + subject;
        } else {
            local = config.to() != null ? config.to() : subject;
        }
        // nats-server lets a local subject that is not a subject through; nothing could ever receive on it.
        if (!ImportSubjects.isValid(local)) {
            throw at.error(failed + "sublist: invalid subject");
        }
        for (String side : new String[] {local, subject}) {
            String problem = graph.streamImportProblem(importer.name, config.fromAccount(), side);
            if (problem != null) {
                throw at.error(failed + problem);
            }
        }
        String stored = local;
        if (Subjects.hasWildcard(subject) && !local.equals(subject)) {
            String problem = ImportSubjects.importMappingError(subject, ImportSubjects.tokenize(local));
            if (problem != null) {
                throw at.error(failed + "failed to create mapping transform for stream import subject from "
                        + PermissionsViolation.quote(subject) + " to " + PermissionsViolation.quote(local) + ": "
                        + problem);
            }
            stored = ImportSubjects.untokenize(local);
        }
        if (graph.hasStream(importer.name, config.fromAccount(), subject)) {
            throw at.error(failed + "stream import already exists");
        }
        graph.addStream(importer.name, new ImportGraph.Edge(config.fromAccount(), subject, stored));
    }

    private void addServiceImport(Draft importer, ImportDraft draft, ImportGraph graph) {
        ImportConfig config = draft.config();
        UserConfigField at = draft.at();
        if (!accounts.containsKey(config.fromAccount())) {
            throw at.error(PermissionsViolation.quote(config.fromAccount())
                    + " account not defined for service import");
        }
        String subject = config.subject();
        String local = config.to() != null ? config.to() : subject;
        String failed = "error adding service import " + PermissionsViolation.quote(subject) + ": ";
        if (!ImportSubjects.isValid(subject) || !ImportSubjects.isValid(local)) {
            throw at.error(failed + "sublist: invalid subject");
        }
        if (!allows(config.fromAccount(), ExportType.SERVICE, subject, importer.name)) {
            throw at.error(failed + "service import not authorized");
        }
        boolean mapped = Subjects.hasWildcard(subject);
        String problem = graph.serviceImportProblem(importer.name, config.fromAccount(),
                mapped ? ImportSubjects.untokenize(local) : local);
        if (problem != null) {
            throw at.error(failed + problem);
        }
        String storedFrom = local;
        String storedTo = subject;
        if (mapped && !local.equals(subject)) {
            storedTo = ImportSubjects.untokenize(subject);
            String mapping = ImportSubjects.importMappingError(storedTo, ImportSubjects.tokenize(local));
            if (mapping != null) {
                throw at.error(failed + "failed to create mapping transform for service import subject from "
                        + PermissionsViolation.quote(local) + " to " + PermissionsViolation.quote(storedTo) + ": "
                        + mapping);
            }
            storedFrom = ImportSubjects.untokenize(local);
        }
        graph.addService(importer.name, new ImportGraph.Edge(config.fromAccount(), storedFrom, storedTo));
    }

    /** {@link AccountConfigs#exportAllows} over the exports merged so far. */
    private boolean allows(String exporter, ExportType type, String subject, String importer) {
        Draft account = accounts.get(exporter);
        return account != null && AccountConfigs.allows(
                account.merged.values().stream().map(MergedExport::toConfig).toList(), type, subject, importer);
    }

    // ---- helpers ----

    /** An array element that must be a map, placed at its first key (elements have no place of their own). */
    private static UserConfigField entry(UserConfigField element, String expected) {
        if (!(element.value() instanceof Map<?, ?> map)) {
            throw element.expected(expected);
        }
        ConfigParser.Position at = element.at();
        for (Object key : map.keySet()) {
            at = ConfigParser.positionOf(map, String.valueOf(key)).orElse(at);
            break;
        }
        return new UserConfigField(element.name(), map, at);
    }

    /**
     * {@link UserConfigField#forEachEntry} that passes over keys which only define a variable used elsewhere, as
     * nats-server does, before they can be called unknown.
     */
    private void forEachKey(UserConfigField field, BiConsumer<String, UserConfigField> action) {
        Map<?, ?> map = field.map();
        field.forEachEntry(errors, (key, sub) -> {
            if (!ConfigParser.isReferenced(map, keyOf(field, sub))) {
                action.accept(key, sub);
            }
        });
    }

    /** The key of {@code child} in {@code parent}'s map as written (forEachEntry hands it over lower-cased). */
    private static String keyOf(UserConfigField parent, UserConfigField child) {
        return parent.name().isEmpty() ? child.name() : child.name().substring(parent.name().length() + 1);
    }

    private static String quoted(Object value) {
        return value instanceof String s ? PermissionsViolation.quote(s) : String.valueOf(value);
    }

    /** A subject value: a string; whether it is a valid subject is checked with the others. */
    private static String subject(UserConfigField field) {
        if (!(field.value() instanceof String s)) {
            throw field.expected("a subject");
        }
        return s;
    }
}
