package dev.turnout.connector.config;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parsers and formatters of the value types of the configuration file. Each parser throws
 * {@link IllegalArgumentException} with the part of an operator message that follows the key,
 * e.g. {@code "70000" is not a port (1-65535)}.
 */
final class Values {

    private static final Pattern DURATION = Pattern.compile("(\\d{1,15})\\s*(ms|s|m)?");
    private static final Pattern SECONDS_DURATION = Pattern.compile("(\\d{1,15}(?:\\.\\d{1,9})?)\\s*(ms|s|m)?");
    private static final Pattern SIZE = Pattern.compile("(\\d{1,15})\\s*([kKmMgG])?");
    private static final Pattern INTEGER = Pattern.compile("\\d{1,9}");

    static final long K = 1024L;
    static final long M = 1024L * K;
    static final long G = 1024L * M;

    private Values() {}

    static String quote(String raw) {
        return '"' + raw + '"';
    }

    /**
     * The constant of {@code values} whose keyword is {@code text} in lower case.
     *
     * @throws IllegalArgumentException naming the keywords, the part of an operator message that follows the key
     */
    static <E extends Enum<E>> E keyword(String text, E[] values, Function<E, String> keyword) {
        String lower = text.toLowerCase(Locale.ROOT);
        for (E value : values) {
            if (keyword.apply(value).equals(lower)) {
                return value;
            }
        }
        throw new IllegalArgumentException(quote(text) + " is not one of "
                + String.join(", ", Arrays.stream(values).map(keyword).toList()));
    }

    /**
     * A shared secret as UTF-8 bytes, at least {@link dev.turnout.push.PushSecret#MIN_LENGTH} of them;
     * the message never shows the value.
     */
    static byte[] secret(String text) {
        byte[] bytes = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        if (bytes.length < dev.turnout.push.PushSecret.MIN_LENGTH) {
            throw new IllegalArgumentException("is too short (" + bytes.length + " characters, at least "
                    + dev.turnout.push.PushSecret.MIN_LENGTH + "; make one with e.g. 'openssl rand -base64 24')");
        }
        return bytes;
    }

    static int port(String text) {
        if (!INTEGER.matcher(text).matches()) {
            throw new IllegalArgumentException(quote(text) + " is not a port (1-65535)");
        }
        int port = Integer.parseInt(text);
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException(quote(text) + " is not a port (1-65535)");
        }
        return port;
    }

    static int integer(String text, int min, int max) {
        if (!INTEGER.matcher(text).matches()) {
            throw new IllegalArgumentException(quote(text) + " is not a whole number (" + min + "-" + max + ")");
        }
        int value = Integer.parseInt(text);
        if (value < min || value > max) {
            throw new IllegalArgumentException(quote(text) + " is out of range (" + min + "-" + max + ")");
        }
        return value;
    }

    /** A plain number is milliseconds; units {@code ms}, {@code s}, {@code m}. */
    static Duration duration(String text, Duration min, Duration max) {
        Matcher m = DURATION.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException(
                    quote(text) + " is not a duration (milliseconds, or a number with unit ms, s or m: 500ms, 3s, 1m)");
        }
        long amount = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "ms" : m.group(2);
        long limit = switch (unit) {
            case "ms" -> Long.MAX_VALUE;
            case "s" -> Long.MAX_VALUE / 1000;
            default -> Long.MAX_VALUE / 60_000;
        };
        Duration value;
        if (amount > limit) {
            value = null;
        } else {
            value = switch (unit) {
                case "ms" -> Duration.ofMillis(amount);
                case "s" -> Duration.ofSeconds(amount);
                default -> Duration.ofMinutes(amount);
            };
        }
        if (value == null || value.compareTo(min) < 0 || value.compareTo(max) > 0) {
            throw new IllegalArgumentException(
                    quote(text) + " is out of range (" + format(min) + "-" + format(max) + ")");
        }
        return value;
    }

    /**
     * A duration in Tungsten's style, where a plain number means seconds ({@code 5}) and a decimal
     * fraction is allowed ({@code 1.5s}, {@code 0.25}); units {@code ms}, {@code s}, {@code m}. The
     * value must come to a whole number of milliseconds ({@code 500ms}, not {@code 0.5ms}).
     */
    static Duration secondsDuration(String text, Duration min, Duration max) {
        Matcher m = SECONDS_DURATION.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException(
                    quote(text) + " is not a duration (seconds, or a number with unit ms, s or m: 5, 1.5s, 500ms, 1m)");
        }
        String unit = m.group(2) == null ? "s" : m.group(2);
        BigDecimal millis = new BigDecimal(m.group(1))
                .multiply(BigDecimal.valueOf(
                        switch (unit) {
                            case "ms" -> 1;
                            case "s" -> 1000;
                            default -> 60_000;
                        }));
        if (millis.signum() != 0 && millis.stripTrailingZeros().scale() > 0) {
            throw new IllegalArgumentException(quote(text) + " is not a whole number of milliseconds");
        }
        if (millis.compareTo(BigDecimal.valueOf(min.toMillis())) < 0
                || millis.compareTo(BigDecimal.valueOf(max.toMillis())) > 0) {
            throw new IllegalArgumentException(
                    quote(text) + " is out of range (" + format(min) + "-" + format(max) + ")");
        }
        return Duration.ofMillis(millis.longValueExact());
    }

    /** {@code true} or {@code false}, in any case. */
    static boolean bool(String text) {
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException(quote(text) + " is not true or false");
        };
    }

    /** Bytes with an optional binary suffix {@code K}, {@code M} or {@code G} (either case). */
    static long size(String text, long min, long max) {
        Matcher m = SIZE.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException(
                    quote(text) + " is not a size (bytes, or a number with suffix K, M or G: 64M, 1G)");
        }
        long amount = Long.parseLong(m.group(1));
        long unit = m.group(2) == null
                ? 1
                : switch (Character.toUpperCase(m.group(2).charAt(0))) {
                    case 'K' -> K;
                    case 'M' -> M;
                    default -> G;
                };
        if (amount > max / unit || amount * unit < min) {
            throw new IllegalArgumentException(
                    quote(text) + " is out of range (" + formatSize(min) + "-" + formatSize(max) + ")");
        }
        return amount * unit;
    }

    /** The shortest exact form in the file's own syntax: {@code 3s}, {@code 1m}, {@code 250ms}. */
    static String format(Duration d) {
        long ms = d.toMillis();
        if (ms != 0 && ms % 60_000 == 0) {
            return ms / 60_000 + "m";
        }
        if (ms != 0 && ms % 1000 == 0) {
            return ms / 1000 + "s";
        }
        return ms + "ms";
    }

    /** The shortest exact form in the file's own syntax: {@code 1G}, {@code 64M}, {@code 1536}. */
    static String formatSize(long bytes) {
        if (bytes != 0 && bytes % G == 0) {
            return bytes / G + "G";
        }
        if (bytes != 0 && bytes % M == 0) {
            return bytes / M + "M";
        }
        if (bytes != 0 && bytes % K == 0) {
            return bytes / K + "K";
        }
        return Long.toString(bytes);
    }
}
