package io.natrix.cli.admin;

import com.fasterxml.jackson.databind.JsonNode;
import io.natrix.cli.CliException;
import io.natrix.cli.output.Json;
import io.nats.client.Connection;
import io.nats.client.NKey;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code server check credential --credential FILE}: how long a NATS credential (a {@code .creds} file, or a bare
 * JWT) stays valid, as natscli's credential check. The JWT is taken from the file's decorated
 * {@code -----BEGIN ... JWT-----} block, its signature verified with its issuer's key, and its {@code exp} claim
 * compared with the thresholds. No server is involved.
 *
 * <pre>
 * JWT: base64url(header) "." base64url(claims JSON: iss, sub, exp, ...) "." base64url(ed25519 signature of the
 *      first two parts, by the nkey named in iss)
 * </pre>
 */
@Command(name = "credential", description = "Checks the validity of a NATS credential file")
final class CredentialCheck extends HealthCheck {

    private static final Pattern DECORATED_JWT =
            Pattern.compile("-{3,}[^\\n]*BEGIN[^\\n]*JWT[^\\n]*-{3,}\\s*\\n\\s*([A-Za-z0-9_\\-.=]+)");

    private static final DateTimeFormatter GO_UTC = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss '+0000 UTC'");

    @Option(names = "--credential", required = true, description = "The file holding the NATS credential")
    String credential;

    @Option(names = "--validity-warn", description = "Warning threshold for time before expiry")
    String validityWarn;

    @Option(names = "--validity-critical", description = "Critical threshold for time before expiry")
    String validityCritical;

    @Option(names = "--require-expiry", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Requires the credential to have expiry set (default true)")
    boolean requireExpiry;

    @Override
    CheckResult newResult() {
        return new CheckResult("Credential", "credential");
    }

    @Override
    boolean needsConnection() {
        return false;
    }

    @Override
    void validate() {
        ServerCheckCommand.seconds("--validity-warn", validityWarn);
        ServerCheckCommand.seconds("--validity-critical", validityCritical);
    }

    @Override
    void check(Connection nc, CheckResult check) {
        Path file = Path.of(credential);
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            check.critical("credential not accessible: " + e.getClass().getSimpleName() + " " + credential);
            return;
        }
        JsonNode claims;
        try {
            claims = verifiedClaims(jwt(text));
        } catch (CliException e) {
            check.critical("invalid credential: " + e.getMessage());
            return;
        }
        long expires = claims.path("exp").asLong(0);
        long now = Instant.now().getEpochSecond();
        long until = expires - now;
        double warn = ServerCheckCommand.seconds("--validity-warn", validityWarn);
        double crit = ServerCheckCommand.seconds("--validity-critical", validityCritical);
        check.perf("expiry", until, warn, crit, "s", "Expiry time in seconds");
        if (expires == 0 && requireExpiry) {
            check.critical("never expires");
        } else if (crit > 0 && until <= crit) {
            check.critical("expires sooner than " + Fmt.duration(Duration.ofMillis(Math.round(crit * 1000))));
        } else if (warn > 0 && until <= warn) {
            check.warn("expires sooner than " + Fmt.duration(Duration.ofMillis(Math.round(warn * 1000))));
        } else if (expires == 0) {
            check.ok("never expires");
        } else {
            check.ok("expires in " + GO_UTC.format(Instant.ofEpochSecond(expires).atZone(ZoneOffset.UTC)));
        }
    }

    /** The JWT of a decorated credentials file, or the file's text when it is a bare JWT. */
    static String jwt(String text) {
        Matcher m = DECORATED_JWT.matcher(text);
        if (m.find()) {
            return m.group(1);
        }
        String bare = text.strip();
        if (bare.chars().filter(c -> c == '.').count() == 2 && !bare.contains("\n")) {
            return bare;
        }
        throw new CliException("no JWT found");
    }

    /** The claims of a JWT whose signature its issuer's nkey verifies. */
    static JsonNode verifiedClaims(String jwt) {
        String[] parts = jwt.split("\\.", -1);
        if (parts.length != 3) {
            throw new CliException("a JWT has three parts");
        }
        Base64.Decoder b64 = Base64.getUrlDecoder();
        JsonNode claims;
        byte[] signature;
        try {
            claims = Json.parse(b64.decode(parts[1]), "the JWT's claims");
            signature = b64.decode(parts[2]);
        } catch (IllegalArgumentException e) {
            throw new CliException("bad base64 in the JWT");
        }
        String issuer = claims.path("iss").asText();
        try {
            NKey key = NKey.fromPublicKey(issuer.toCharArray());
            byte[] signed = (parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII);
            if (!key.verify(signed, signature)) {
                throw new CliException("claim failed V2 signature verification");
            }
        } catch (IllegalArgumentException | GeneralSecurityException | IOException e) {
            throw new CliException("the issuer \"" + issuer + "\" is not a public nkey");
        }
        return claims;
    }
}
