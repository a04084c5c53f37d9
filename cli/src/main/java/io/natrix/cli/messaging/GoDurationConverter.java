package io.natrix.cli.messaging;

import io.natrix.cli.support.GoDuration;
import java.time.Duration;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Reads a duration flag ({@code --sleep 100ms}, {@code --wait 1m}) as natscli's flags take them, Go's syntax; a
 * negative or malformed value is a one-line usage error.
 */
final class GoDurationConverter implements ITypeConverter<Duration> {

    @Override
    public Duration convert(String value) {
        Duration d;
        try {
            d = GoDuration.parse(value);
        } catch (IllegalArgumentException e) {
            throw new TypeConversionException(e.getMessage());
        }
        if (d.isNegative()) {
            throw new TypeConversionException("must not be negative");
        }
        return d;
    }
}
