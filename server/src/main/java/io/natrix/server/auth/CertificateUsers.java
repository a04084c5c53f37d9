package io.natrix.server.auth;

import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.security.auth.x500.X500Principal;

/**
 * TLS {@code verify_and_map}: the configured user a client certificate names, looked up as nats-server looks it up.
 * In order, the first that is a configured username wins:
 * <ol>
 *   <li>the certificate's e-mail subject alternative names,</li>
 *   <li>its DNS names,</li>
 *   <li>its URIs,</li>
 *   <li>a username that is a distinguished name equal to the certificate's subject, attribute for attribute in any
 *       order ({@code "CN=alice,O=Acme"} matches a subject written O first),</li>
 *   <li>the subject in RFC 2253 form ({@code CN=alice,OU=eng,O=Acme}) as a literal username.</li>
 * </ol>
 *
 * <p>Stateless and thread-safe.
 */
final class CertificateUsers {
    private static final int SAN_EMAIL = 1;
    private static final int SAN_DNS = 2;
    private static final int SAN_URI = 6;

    private CertificateUsers() {
    }

    static Optional<UserConfig> find(X509Certificate cert, UserConfigs users) {
        for (int type : new int[]{SAN_EMAIL, SAN_DNS, SAN_URI}) {
            for (String name : alternativeNames(cert, type)) {
                Optional<UserConfig> user = users.byUsername(name);
                if (user.isPresent()) {
                    return user;
                }
            }
        }
        X500Principal subject = cert.getSubjectX500Principal();
        Set<Rdn> certRdns = rdns(subject.getName(X500Principal.RFC2253));
        if (certRdns != null && !certRdns.isEmpty()) {
            for (UserConfig user : users.users()) {
                if (user.isNkeyUser()) {
                    continue;
                }
                Set<Rdn> userRdns = rdns(user.identity());
                if (certRdns.equals(userRdns)) {
                    return Optional.of(user);
                }
            }
        }
        return users.byUsername(subject.getName(X500Principal.RFC2253));
    }

    private static List<String> alternativeNames(X509Certificate cert, int type) {
        List<String> out = new ArrayList<>();
        try {
            Collection<List<?>> names = cert.getSubjectAlternativeNames();
            if (names != null) {
                for (List<?> entry : names) {
                    if (entry.size() >= 2 && entry.get(0) instanceof Integer t && t == type
                            && entry.get(1) instanceof String value) {
                        out.add(value);
                    }
                }
            }
        } catch (CertificateParsingException e) {
            // A certificate whose extension does not parse names nobody by it.
        }
        return out;
    }

    /** The attributes of a distinguished name, or null when {@code dn} is not one. */
    private static Set<Rdn> rdns(String dn) {
        try {
            return new HashSet<>(new LdapName(dn).getRdns());
        } catch (InvalidNameException | IllegalArgumentException e) {
            return null;
        }
    }
}
