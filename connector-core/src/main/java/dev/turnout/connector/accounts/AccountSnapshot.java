package dev.turnout.connector.accounts;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The primary's accounts at one moment, by user name, each user's host patterns most specific
 * first (as the server sorts them): literal hosts, then patterns by the length of their literal
 * prefix, {@code %} last. Immutable; swapped whole when the accounts are read again.
 *
 * <p>A client's address matches {@code %}, the same literal address, {@code localhost} (when the
 * address is a loopback one), a LIKE pattern of {@code %} and {@code _} over the address's text,
 * and an IPv4 {@code address/netmask}. Host names other than {@code localhost} are not resolved,
 * and so never match; anonymous accounts ({@code ''@host}) and roles are not loaded.
 */
final class AccountSnapshot {

    static final AccountSnapshot EMPTY = new AccountSnapshot(List.of(), 0);

    private final Map<String, List<ServerAccount>> byUser;
    private final long loadedAtNanos;

    AccountSnapshot(List<ServerAccount> accounts, long loadedAtNanos) {
        Map<String, List<ServerAccount>> users = new HashMap<>();
        for (ServerAccount account : accounts) {
            if (!account.user().isEmpty()) {
                users.computeIfAbsent(account.user(), u -> new ArrayList<>(1)).add(account);
            }
        }
        Map<String, List<ServerAccount>> sorted = new HashMap<>(users.size() * 2);
        users.forEach((user, list) -> {
            list.sort(Comparator.comparingInt(AccountSnapshot::specificity).reversed());
            sorted.put(user, List.copyOf(list));
        });
        this.byUser = Map.copyOf(sorted);
        this.loadedAtNanos = loadedAtNanos;
    }

    int size() {
        return byUser.values().stream().mapToInt(List::size).sum();
    }

    long loadedAtNanos() {
        return loadedAtNanos;
    }

    /** The most specific account of {@code user} that {@code client} matches, or null. */
    @Nullable
    ServerAccount find(String user, InetAddress client) {
        List<ServerAccount> accounts = byUser.get(user);
        if (accounts == null) {
            return null;
        }
        for (ServerAccount account : accounts) {
            if (matches(account.host(), client)) {
                return account;
            }
        }
        return null;
    }

    /** Higher is more specific: a literal host, then the longer literal prefix of a pattern. */
    private static int specificity(ServerAccount account) {
        String host = account.host();
        int wildcard = firstWildcard(host);
        if (wildcard < 0) {
            return 10_000;
        }
        return wildcard;
    }

    private static int firstWildcard(String host) {
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            if (c == '%' || c == '_' || c == '/') {
                return i;
            }
        }
        return -1;
    }

    static boolean matches(String pattern, InetAddress client) {
        String address = client.getHostAddress();
        if (pattern.equals("%") || pattern.equals(address)) {
            return true;
        }
        if (pattern.equalsIgnoreCase("localhost")) {
            return client.isLoopbackAddress();
        }
        int slash = pattern.indexOf('/');
        if (slash > 0) {
            return client instanceof Inet4Address
                    && inNetwork(pattern.substring(0, slash), pattern.substring(slash + 1), client);
        }
        return like(pattern.toLowerCase(Locale.ROOT), 0, address.toLowerCase(Locale.ROOT), 0);
    }

    private static boolean inNetwork(String network, String mask, InetAddress client) {
        long net = ipv4(network);
        long bits = ipv4(mask);
        long ip = ipv4(client.getHostAddress());
        return net >= 0 && bits >= 0 && ip >= 0 && (ip & bits) == net;
    }

    /** The 32-bit value of a dotted IPv4 literal, or -1. */
    private static long ipv4(String dotted) {
        String[] parts = dotted.split("\\.", -1);
        if (parts.length != 4) {
            return -1;
        }
        long value = 0;
        for (String part : parts) {
            if (part.isEmpty() || part.length() > 3 || !part.chars().allMatch(Character::isDigit)) {
                return -1;
            }
            int octet = Integer.parseInt(part);
            if (octet > 255) {
                return -1;
            }
            value = value << 8 | octet;
        }
        return value;
    }

    /** SQL LIKE with {@code %} and {@code _} (a backslash escapes the next character); bounded by the lengths. */
    private static boolean like(String pattern, int p, String text, int t) {
        while (p < pattern.length()) {
            char c = pattern.charAt(p);
            if (c == '%') {
                while (p < pattern.length() && pattern.charAt(p) == '%') {
                    p++;
                }
                if (p == pattern.length()) {
                    return true;
                }
                for (int from = t; from <= text.length(); from++) {
                    if (like(pattern, p, text, from)) {
                        return true;
                    }
                }
                return false;
            }
            if (t >= text.length()) {
                return false;
            }
            if (c == '\\' && p + 1 < pattern.length()) {
                p++;
                c = pattern.charAt(p);
                if (c != text.charAt(t)) {
                    return false;
                }
            } else if (c != '_' && c != text.charAt(t)) {
                return false;
            }
            p++;
            t++;
        }
        return t == text.length();
    }
}
