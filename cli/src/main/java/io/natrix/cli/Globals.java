package io.natrix.cli;

import io.natrix.cli.context.NatsContext;
import io.natrix.cli.context.NatsContexts;
import io.natrix.cli.support.GoDuration;
import io.natrix.cli.support.Tls;
import io.nats.client.AuthHandler;
import io.nats.client.Connection;
import io.nats.client.Consumer;
import io.nats.client.ErrorListener;
import io.nats.client.JetStreamOptions;
import io.nats.client.NKey;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.Map;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * What every client command shares: the connection flags natscli users know (given anywhere on the command
 * line: they are inherited by every subcommand), the process environment, standard input and the context files.
 * The root command holds one instance as a picocli mixin.
 *
 * <p>Settings resolve as natscli resolves them: a flag, else its environment variable ({@code NATS_URL},
 * {@code NATS_USER}, ...), else the selected context ({@code --context}, {@code NATS_CONTEXT}, or the one
 * {@code context select} chose), else the default {@code nats://127.0.0.1:4222}.
 */
public final class Globals {

    /** The server natscli connects to when nothing says otherwise. */
    public static final String DEFAULT_URL = "nats://127.0.0.1:4222";

    @Option(names = {"-h", "--help"}, usageHelp = true, scope = ScopeType.INHERIT,
            description = "Show this help and exit")
    boolean helpRequested;

    @Option(names = {"-s", "--server"}, paramLabel = "URL", scope = ScopeType.INHERIT,
            description = "NATS server urls, comma separated (env NATS_URL)")
    String server;

    @Option(names = "--user", paramLabel = "USER", scope = ScopeType.INHERIT,
            description = "Username or token (env NATS_USER)")
    String user;

    @Option(names = "--password", paramLabel = "PASSWORD", scope = ScopeType.INHERIT,
            description = "Password (env NATS_PASSWORD)")
    String password;

    @Option(names = "--token", paramLabel = "TOKEN", scope = ScopeType.INHERIT,
            description = "Token to authenticate with")
    String token;

    @Option(names = "--creds", paramLabel = "FILE", scope = ScopeType.INHERIT,
            description = "User credentials file (env NATS_CREDS)")
    String creds;

    @Option(names = "--nkey", paramLabel = "FILE", scope = ScopeType.INHERIT,
            description = "User NKEY seed file (env NATS_NKEY)")
    String nkey;

    @Option(names = {"--tlscert", "--cert"}, paramLabel = "FILE", scope = ScopeType.INHERIT,
            description = "TLS client certificate file (env NATS_CERT)")
    String tlsCert;

    @Option(names = {"--tlskey", "--key"}, paramLabel = "FILE", scope = ScopeType.INHERIT,
            description = "TLS client private key file (env NATS_KEY)")
    String tlsKey;

    @Option(names = {"--tlsca", "--ca"}, paramLabel = "FILE", scope = ScopeType.INHERIT,
            description = "TLS certificate authority chain file (env NATS_CA)")
    String tlsCa;

    @Option(names = "--tlsfirst", scope = ScopeType.INHERIT,
            description = "Perform the TLS handshake before the server's INFO")
    boolean tlsFirst;

    @Option(names = "--timeout", paramLabel = "DURATION", scope = ScopeType.INHERIT,
            description = "Time to wait on responses from NATS (env NATS_TIMEOUT, default 5s)")
    String timeout;

    @Option(names = "--context", paramLabel = "NAME", scope = ScopeType.INHERIT,
            description = "Configuration context (env NATS_CONTEXT)")
    String context;

    @Option(names = "--no-context", scope = ScopeType.INHERIT, description = "Disable the selected context")
    boolean noContext;

    @Option(names = "--js-domain", paramLabel = "DOMAIN", scope = ScopeType.INHERIT,
            description = "JetStream domain to use")
    String jsDomain;

    @Option(names = "--js-api-prefix", paramLabel = "PREFIX", scope = ScopeType.INHERIT,
            description = "Subject prefix for access to JetStream API")
    String jsApiPrefix;

    @Option(names = "--inbox-prefix", paramLabel = "PREFIX", scope = ScopeType.INHERIT,
            description = "Custom inbox prefix to use for inboxes")
    String inboxPrefix;

    @Option(names = "--connection-name", paramLabel = "NAME", scope = ScopeType.INHERIT,
            description = "Name of the connection shown in the server's monitoring")
    String connectionName;

    @Option(names = "--trace", scope = ScopeType.INHERIT,
            description = "Show full errors (stack traces) and the client's asynchronous errors")
    boolean trace;

    private Map<String, String> env = System.getenv();
    private InputStream in = System.in;
    private boolean terminal = System.console() != null;
    private java.io.PrintWriter traceErr = new java.io.PrintWriter(java.io.Writer.nullWriter());

    /** Replaces the process environment (tests, and {@code NATS_*} look-ups), returning this. */
    public Globals environment(Map<String, String> environment) {
        this.env = Map.copyOf(environment);
        return this;
    }

    /** Replaces standard input (tests), returning this. */
    public Globals stdin(InputStream stdin) {
        this.in = stdin;
        return this;
    }

    /** Where {@code --trace} writes the client's asynchronous errors: the command line's standard error. */
    public Globals traceTo(java.io.PrintWriter err) {
        this.traceErr = err;
        return this;
    }

    /** Says whether standard input and output are a terminal (interactive prompts are only offered then). */
    public Globals terminal(boolean isTerminal) {
        this.terminal = isTerminal;
        return this;
    }

    public Map<String, String> env() {
        return env;
    }

    public InputStream stdin() {
        return in;
    }

    public boolean terminal() {
        return terminal;
    }

    public boolean trace() {
        return trace;
    }

    /**
     * The connection settings given as flags on this command line, under their context-file field names
     * ({@code url}, {@code user}, ...): what {@code context add} and {@code context edit} save.
     */
    public java.util.LinkedHashMap<String, Object> flagSettings() {
        java.util.LinkedHashMap<String, Object> given = new java.util.LinkedHashMap<>();
        putIfSet(given, "url", server);
        putIfSet(given, "user", user);
        putIfSet(given, "password", password);
        putIfSet(given, "token", token);
        putIfSet(given, "creds", creds);
        putIfSet(given, "nkey", nkey);
        putIfSet(given, "cert", tlsCert);
        putIfSet(given, "key", tlsKey);
        putIfSet(given, "ca", tlsCa);
        putIfSet(given, "jetstream_domain", jsDomain);
        putIfSet(given, "jetstream_api_prefix", jsApiPrefix);
        putIfSet(given, "inbox_prefix", inboxPrefix);
        if (tlsFirst) {
            given.put("tls_first", true);
        }
        return given;
    }

    private static void putIfSet(java.util.Map<String, Object> map, String key, String value) {
        if (value != null) {
            map.put(key, value);
        }
    }

    /** The context files ({@code $XDG_CONFIG_HOME/nats} or {@code ~/.config/nats}), shared with natscli. */
    public NatsContexts contexts() {
        return NatsContexts.from(env);
    }

    /** The context this command line uses: named by flag or environment, else the selected one, else empty. */
    public NatsContext selectedContext() {
        if (noContext) {
            return NatsContext.empty();
        }
        String name = firstOf(context, env.get("NATS_CONTEXT"));
        NatsContexts contexts = contexts();
        if (name != null) {
            return contexts.load(name);
        }
        String selected = contexts.selected();
        return selected == null ? NatsContext.empty() : contexts.load(selected);
    }

    /** The timeout for requests and connecting: {@code --timeout}, {@code NATS_TIMEOUT}, else 5 s. */
    public Duration timeout() {
        String value = firstOf(timeout, env.get("NATS_TIMEOUT"));
        if (value == null) {
            return Duration.ofSeconds(5);
        }
        try {
            Duration parsed = GoDuration.parse(value);
            if (parsed.isNegative() || parsed.isZero()) {
                throw new CliException("invalid timeout \"" + value + "\": must be positive");
            }
            return parsed;
        } catch (IllegalArgumentException e) {
            throw new CliException("invalid timeout \"" + value + "\": " + e.getMessage());
        }
    }

    /** The server URLs this command line connects to, comma separated. */
    public String url() {
        NatsContext ctx = selectedContext();
        return firstOf(server, env.get("NATS_URL"), ctx.url(), DEFAULT_URL);
    }

    /** Connects with the resolved settings. */
    public Connection connect() {
        return connect(builder -> { });
    }

    /**
     * Connects with the resolved settings after letting the command adjust the options (reconnect policy,
     * connection name). A failure becomes one clear line naming the URL.
     */
    public Connection connect(java.util.function.Consumer<Options.Builder> customize) {
        NatsContext ctx = selectedContext();
        String url = firstOf(server, env.get("NATS_URL"), ctx.url(), DEFAULT_URL);
        ClientErrors errors = new ClientErrors(trace ? traceErr : null);
        Options.Builder b = new Options.Builder()
                .servers(splitUrls(url))
                .connectionTimeout(timeout())
                .connectionName(firstOf(connectionName, "natrix CLI"))
                .errorListener(errors)
                .maxReconnects(0);
        String u = firstOf(user, env.get("NATS_USER"), ctx.user());
        String p = firstOf(password, env.get("NATS_PASSWORD"), ctx.password());
        if (u != null && p != null) {
            b.userInfo(u, p);
        } else if (u != null) {
            b.token(u.toCharArray()); // natscli: a user without a password is a token
        }
        String t = firstOf(token, ctx.token());
        if (t != null) {
            b.token(t.toCharArray());
        }
        String credsFile = firstOf(creds, env.get("NATS_CREDS"), ctx.creds());
        String nkeyFile = firstOf(nkey, env.get("NATS_NKEY"), ctx.nkey());
        if (credsFile != null) {
            requireReadable(credsFile, "credentials");
            b.authHandler(Nats.credentials(credsFile));
        } else if (nkeyFile != null) {
            b.authHandler(nkeyAuth(nkeyFile));
        }
        String cert = firstOf(tlsCert, env.get("NATS_CERT"), ctx.cert());
        String key = firstOf(tlsKey, env.get("NATS_KEY"), ctx.key());
        String ca = firstOf(tlsCa, env.get("NATS_CA"), ctx.ca());
        if (cert != null || key != null || ca != null) {
            try {
                b.sslContext(Tls.clientContext(cert, key, ca));
            } catch (IOException | GeneralSecurityException e) {
                throw new CliException("could not load TLS files: " + e.getMessage(), e);
            }
        }
        if (tlsFirst || ctx.tlsFirst()) {
            b.tlsFirst();
        }
        String inbox = firstOf(inboxPrefix, ctx.inboxPrefix());
        if (inbox != null) {
            b.inboxPrefix(inbox);
        }
        customize.accept(b);
        try {
            return Nats.connect(b.build());
        } catch (IOException e) {
            // jnats says only "Unable to connect to NATS servers"; why is the last exception it reported.
            boolean generic = e.getMessage() != null && e.getMessage().startsWith("Unable to connect");
            Exception why = generic && errors.last != null ? errors.last : e;
            throw new CliException("could not connect to " + url + ": " + rootMessage(why), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted while connecting to " + url, e);
        }
    }

    /** JetStream options for the resolved domain or API prefix and timeout. */
    public JetStreamOptions jetStreamOptions() {
        NatsContext ctx = selectedContext();
        JetStreamOptions.Builder b = JetStreamOptions.builder().requestTimeout(timeout());
        String domain = firstOf(jsDomain, ctx.jetStreamDomain());
        String prefix = firstOf(jsApiPrefix, ctx.jetStreamApiPrefix());
        if (domain != null) {
            b.domain(domain);
        } else if (prefix != null) {
            b.prefix(prefix);
        }
        return b.build();
    }

    /** The prefix of JetStream API subjects ({@code $JS.API.} unless a domain or prefix says otherwise). */
    public String jetStreamApiPrefix() {
        NatsContext ctx = selectedContext();
        String domain = firstOf(jsDomain, ctx.jetStreamDomain());
        if (domain != null) {
            return "$JS." + domain + ".API.";
        }
        String prefix = firstOf(jsApiPrefix, ctx.jetStreamApiPrefix());
        if (prefix != null) {
            return prefix.endsWith(".") ? prefix : prefix + ".";
        }
        return "$JS.API.";
    }


    private static AuthHandler nkeyAuth(String file) {
        requireReadable(file, "nkey seed");
        char[] seed;
        try {
            seed = Files.readString(Path.of(file), StandardCharsets.US_ASCII).strip().toCharArray();
            NKey key = NKey.fromSeed(seed);
            String publicKey = new String(key.getPublicKey());
            return new AuthHandler() {
                @Override
                public byte[] sign(byte[] nonce) {
                    try {
                        return key.sign(nonce);
                    } catch (GeneralSecurityException | IOException e) {
                        throw new IllegalStateException("could not sign with the nkey: " + e.getMessage(), e);
                    }
                }

                @Override
                public char[] getID() {
                    return publicKey.toCharArray();
                }

                @Override
                public char[] getJWT() {
                    return null;
                }
            };
        } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
            throw new CliException("could not read nkey seed " + file + ": " + rootMessage(e), e);
        }
    }

    private static void requireReadable(String file, String what) {
        if (!Files.isReadable(Path.of(file))) {
            throw new CliException("cannot read " + what + " file " + file);
        }
    }

    private static String[] splitUrls(String urls) {
        String[] parts = urls.split(",");
        for (int i = 0; i < parts.length; i++) {
            String part = parts[i].strip();
            parts[i] = part.contains("://") ? part : "nats://" + part;
        }
        return parts;
    }

    /** The innermost message of a failure chain, for one-line errors. */
    public static String rootMessage(Throwable e) {
        Throwable t = e;
        String message = e.getMessage();
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
            if (t.getMessage() != null) {
                message = t.getMessage();
            }
        }
        return message == null ? e.getClass().getSimpleName() : message;
    }

    @SafeVarargs
    private static <T> T firstOf(T... values) {
        for (T v : values) {
            if (v != null && !(v instanceof String s && s.isEmpty())) {
                return v;
            }
        }
        return null;
    }

    /**
     * The client's asynchronous errors: the last exception is kept (it says why a connection failed), and with
     * {@code --trace} each is shown on standard error.
     */
    private static final class ClientErrors implements ErrorListener {
        private final java.io.PrintWriter trace;
        volatile Exception last;

        ClientErrors(java.io.PrintWriter trace) {
            this.trace = trace;
        }

        @Override
        public void errorOccurred(Connection conn, String error) {
            if (trace != null) {
                trace.println("nats: server error: " + error);
            }
        }

        @Override
        public void exceptionOccurred(Connection conn, Exception exp) {
            last = exp;
            if (trace != null) {
                trace.println("nats: client exception: " + exp);
            }
        }

        @Override
        public void slowConsumerDetected(Connection conn, Consumer consumer) {
            if (trace != null) {
                trace.println("nats: slow consumer");
            }
        }
    }
}
