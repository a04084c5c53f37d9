package io.natrix.cli.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.natrix.cli.CliException;
import org.junit.jupiter.api.Test;

/** natscli's byte sizes: plain numbers and 1024-based units, unlimited as -1, one-line errors naming the flag. */
class ByteSizeTest {

    @Test
    void acceptsNatscliUnits() {
        assertThat(ByteSize.parse("128", "--x")).isEqualTo(128);
        assertThat(ByteSize.parse("128B", "--x")).isEqualTo(128);
        assertThat(ByteSize.parse("1k", "--x")).isEqualTo(1024);
        assertThat(ByteSize.parse("2KB", "--x")).isEqualTo(2048);
        assertThat(ByteSize.parse("1KiB", "--x")).isEqualTo(1024);
        assertThat(ByteSize.parse("3mb", "--x")).isEqualTo(3L << 20);
        assertThat(ByteSize.parse("2GiB", "--x")).isEqualTo(2L << 30);
        assertThat(ByteSize.parse(" 2T ", "--x")).isEqualTo(2L << 40);
    }

    @Test
    void emptyOrNegativeIsUnlimited() {
        assertThat(ByteSize.parse("-1", "--x")).isEqualTo(-1);
        assertThat(ByteSize.parse(null, "--x")).isEqualTo(-1);
        assertThat(ByteSize.parse(" ", "--x")).isEqualTo(-1);
    }

    @Test
    void refusesFractionsUnknownUnitsAndOverflowNamingTheFlag() {
        assertThatThrownBy(() -> ByteSize.parse("1.5KB", "--size")).isInstanceOf(CliException.class)
                .hasMessage("invalid value \"1.5KB\" for --size: not a size (use a number of bytes or units such as "
                        + "512KB, 1GB)");
        assertThatThrownBy(() -> ByteSize.parse("10XB", "--size")).hasMessageContaining("not a size");
        assertThatThrownBy(() -> ByteSize.parse("KB", "--size")).hasMessageContaining("not a size");
        assertThatThrownBy(() -> ByteSize.parse("9999999999999TB", "--size")).hasMessageContaining("out of range");
        assertThatThrownBy(() -> ByteSize.parse("3G", "--max-value-size", Integer.MAX_VALUE))
                .hasMessage("invalid value \"3G\" for --max-value-size: out of range (at most 2147483647 bytes)");
    }
}
