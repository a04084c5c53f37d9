package io.natrix.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ConfigUnitsTest {

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource({
        "0, PT0S", "-0, PT0S", "2s, PT2S", "250ms, PT0.25S", "1m30s, PT1M30S", "1h2m, PT1H2M", "1.5h, PT1H30M",
        ".5s, PT0.5S", "1.s, PT1S", "+5s, PT5S", "-1.5h, PT-1H-30M", "100ns, PT0.0000001S", "7us, PT0.000007S",
        "1h2m3s4ms5us6ns, PT1H2M3.004005006S", "2562047h, PT2562047H"
    })
    void goDurations(String text, Duration expected) {
        assertThat(ConfigUnits.parseDuration(text)).isEqualTo(expected);
    }

    @Test
    void goDurationsAcceptBothMicroSigns() {
        assertThat(ConfigUnits.parseDuration("3\u00b5s")).isEqualTo(Duration.ofNanos(3000));
        assertThat(ConfigUnits.parseDuration("3\u03bcs")).isEqualTo(Duration.ofNanos(3000));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "''         | invalid duration \"\"",
        "-          | invalid duration \"-\"",
        ".          | invalid duration \".\"",
        "s          | invalid duration \"s\"",
        "10         | missing unit in duration \"10\"",
        "1.         | missing unit in duration \"1.\"",
        "1s2        | missing unit in duration \"1s2\"",
        "3d         | unknown unit \"d\" in duration \"3d\"",
        "1S         | unknown unit \"S\" in duration \"1S\"",
        "99999999999999999999s | invalid duration \"99999999999999999999s\": out of range",
        "2562048h   | invalid duration \"2562048h\": out of range",
    })
    void malformedGoDurationsSayWhy(String text, String message) {
        assertThatThrownBy(() -> ConfigUnits.parseDuration(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage(message);
    }

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource({"'', 1", "k, 1000", "K, 1000", "kb, 1024", "KiB, 1024", "ki, 1024", "m, 1000000",
        "mb, 1048576", "g, 1000000000", "gib, 1073741824", "t, 1000000000000", "tb, 1099511627776",
        "p, 1000000000000000", "pi, 1125899906842624", "e, 1000000000000000000", "eib, 1152921504606846976",
        "s, 0", "kbb, 0", "b, 0", "ms, 0"})
    void sizeMultipliers(String suffix, long expected) {
        assertThat(ConfigUnits.sizeMultiplier(suffix)).isEqualTo(expected);
    }

    @Test
    void sizeStrings() {
        assertThat(ConfigUnits.parseSize("64MB")).isEqualTo(64L * 1024 * 1024);
        assertThat(ConfigUnits.parseSize("1k")).isEqualTo(1000);
        assertThat(ConfigUnits.parseSize("42")).isEqualTo(42);
        assertThatThrownBy(() -> ConfigUnits.parseSize("MB")).hasMessage("a size starts with digits");
        assertThatThrownBy(() -> ConfigUnits.parseSize("1 MB")).hasMessage("unknown size unit ' MB'");
        assertThatThrownBy(() -> ConfigUnits.parseSize("9000000000000000000k")).hasMessage("size out of range");
    }

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource({"'', 0", "1K, 1024", "2M, 2097152", "3G, 3221225472", "1T, 1099511627776"})
    void jetStreamStorageSizesAreBinaryWithUpperCaseUnits(String text, long expected) {
        assertThat(ConfigUnits.parseStorageSize(text)).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"1k", "1KB", "G", "1.5G", "-1G", "1"})
    void otherJetStreamSizeStringsAreRejected(String text) {
        assertThatThrownBy(() -> ConfigUnits.parseStorageSize(text)).isInstanceOf(IllegalArgumentException.class);
    }
}
