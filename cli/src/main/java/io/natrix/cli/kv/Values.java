package io.natrix.cli.kv;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Values as natscli shows them to people: printable ASCII as text, anything else as standard base64, and long
 * values shortened in tables.
 */
final class Values {

    private Values() {
    }

    /** The value as text when every character is printable ASCII, else its base64. */
    static String printable(byte[] value) {
        if (value == null) {
            return "";
        }
        for (byte b : value) {
            if (b < 0x20 || b > 0x7e) {
                return Base64.getEncoder().encodeToString(value);
            }
        }
        return new String(value, StandardCharsets.US_ASCII);
    }

    /** {@link #printable} cut to its first and last 15 characters when longer than 40, as history tables show it. */
    static String abbreviated(byte[] value) {
        String text = printable(value);
        return text.length() > 40 ? text.substring(0, 15) + "..." + text.substring(text.length() - 15) : text;
    }
}
