package dev.turnout.protocol.fuzz;

import java.util.Arrays;

/**
 * Reads a fuzz input as a small record stream: bytes, little-endian lengths and length-prefixed
 * chunks, running short at the end of the input instead of failing. The seed writer
 * ({@link SeedCorpus}) writes the same layouts, so real captures can seed every target.
 */
final class FuzzInput {

    private final byte[] data;
    private int index;

    FuzzInput(byte[] data) {
        this.data = data;
    }

    boolean hasMore() {
        return index < data.length;
    }

    /** The next byte, 0 past the end. */
    int u8() {
        return index < data.length ? data[index++] & 0xFF : 0;
    }

    /** The next two bytes as an unsigned little-endian number, short ones read as 0. */
    int u16() {
        return u8() | u8() << 8;
    }

    /** Up to {@code n} next bytes (fewer at the end of the input). */
    byte[] bytes(int n) {
        int end = Math.min(data.length, index + n);
        byte[] bytes = Arrays.copyOfRange(data, index, end);
        index = end;
        return bytes;
    }

    /** Everything not read yet. */
    byte[] rest() {
        return bytes(data.length - index);
    }

    /** Each set bit {@code i} of {@code selector} adds {@code flags[i]}. */
    static long flags(int selector, long... flags) {
        long result = 0;
        for (int i = 0; i < flags.length; i++) {
            if ((selector & 1 << i) != 0) {
                result |= flags[i];
            }
        }
        return result;
    }
}
