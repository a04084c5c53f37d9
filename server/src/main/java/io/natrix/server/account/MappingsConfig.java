package io.natrix.server.account;

import io.natrix.server.config.ConfigParser;
import java.util.Objects;

/**
 * A {@code mappings} (or {@code maps}) block exactly as the configuration holds it, for the subject mapping reader
 * to parse: the value (a map of subject to destination, destinations or weighted destination maps), its key path
 * such as {@code accounts.A.mappings} or {@code mappings}, and where the key was written. Maps in the value are the
 * parser's, so {@link ConfigParser#positionOf} still finds the lines of their keys.
 *
 * @param path     the dotted key path, for messages
 * @param value    the raw value, unchecked
 * @param position where the key was written
 */
public record MappingsConfig(String path, Object value, ConfigParser.Position position) {
    public MappingsConfig {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(position, "position");
    }
}
