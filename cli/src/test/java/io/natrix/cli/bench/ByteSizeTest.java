package io.natrix.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** natscli's byte sizes: plain numbers and 1024-based units, nothing else. */
class ByteSizeTest {

    @Test
    void byteSizeAcceptsNatscliUnits() {
        assertThat(ByteSize.parse("128")).isEqualTo(128);
        assertThat(ByteSize.parse("128B")).isEqualTo(128);
        assertThat(ByteSize.parse("1k")).isEqualTo(1024);
        assertThat(ByteSize.parse("2KB")).isEqualTo(2048);
        assertThat(ByteSize.parse("1KiB")).isEqualTo(1024);
        assertThat(ByteSize.parse("3mb")).isEqualTo(3L << 20);
        assertThat(ByteSize.parse("1GB")).isEqualTo(1L << 30);
        assertThat(ByteSize.parse(" 2T ")).isEqualTo(2L << 40);
    }

    @Test
    void byteSizeRefusesFractionsUnknownUnitsAndOverflow() {
        assertThatThrownBy(() -> ByteSize.parse("1.5KB")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ByteSize.parse("10XB")).hasMessageContaining("units are");
        assertThatThrownBy(() -> ByteSize.parse("KB")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ByteSize.parse("-1")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ByteSize.parse("9999999999999TB")).hasMessageContaining("out of range");
    }
}
