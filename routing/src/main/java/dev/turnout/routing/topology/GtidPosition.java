package dev.turnout.routing.topology;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * A replication position as a set of global transaction ids, in either server flavour.
 *
 * <ul>
 *   <li>MariaDB form {@code "0-1-100,1-2-7"}: {@code domain-server-seq}, one element per
 *       replication domain, the highest sequence number of that domain (see
 *       <a href="https://mariadb.com/kb/en/gtid/">MariaDB KB: GTID</a>). When the text names a
 *       domain twice, the higher sequence number is kept.</li>
 *   <li>MySQL form {@code "uuid:1-100:105-110,uuid2:1-5"}: per source UUID a set of intervals of
 *       transaction numbers, gaps allowed (see
 *       <a href="https://dev.mysql.com/doc/refman/8.4/en/replication-gtids-concepts.html">MySQL:
 *       GTID format and storage</a>). Tagged GTIDs of MySQL 8.3+ ({@code uuid:1-5:tag:1-3}) are
 *       accepted; a tag is its own source.</li>
 * </ul>
 *
 * <p>An instance is immutable and shareable between threads. Its canonical text (sorted by
 * domain / source, intervals merged, lower case) is {@link #toString()}, and equality is equality
 * of that text. {@link #contains} and {@link #isAheadOf} allocate nothing: they are on the routing
 * hot path.
 */
public final class GtidPosition {

    /** No transaction at all: contained in every position. */
    public static final GtidPosition EMPTY =
            new GtidPosition(Flavour.NONE, new long[0], new long[0], new long[0], new String[0], new long[0][]);

    /** Largest MySQL transaction number (2^63 - 2). */
    private static final long MAX_GNO = Long.MAX_VALUE - 1;

    private static final long MAX_UINT32 = 0xFFFF_FFFFL;

    private enum Flavour {
        NONE,
        MARIADB,
        MYSQL
    }

    private final Flavour flavour;
    // MariaDB: parallel arrays sorted by domain, one entry per domain.
    private final long[] domains;
    private final long[] servers;
    private final long[] seqs;
    // MySQL: sources ("uuid" or "uuid:tag") sorted; per source [start0, end0, start1, end1, ...], sorted, merged.
    private final String[] sources;
    private final long[][] intervals;
    private final long total;
    private final String text;

    private GtidPosition(
            Flavour flavour, long[] domains, long[] servers, long[] seqs, String[] sources, long[][] intervals) {
        this.flavour = flavour;
        this.domains = domains;
        this.servers = servers;
        this.seqs = seqs;
        this.sources = sources;
        this.intervals = intervals;
        long count = 0;
        for (long seq : seqs) {
            count = saturatedAdd(count, seq);
        }
        for (long[] set : intervals) {
            for (int i = 0; i < set.length; i += 2) {
                count = saturatedAdd(count, set[i + 1] - set[i] + 1);
            }
        }
        this.total = count;
        this.text = format();
    }

    /**
     * Parses either form. Whitespace around elements (MySQL prints a newline after each comma) is
     * ignored.
     *
     * @param text a position, or null or blank for {@link #EMPTY}
     * @throws IllegalArgumentException naming the element that is malformed, or when the text
     *         mixes the two forms
     */
    public static GtidPosition parse(@Nullable String text) {
        if (text == null || text.isBlank()) {
            return EMPTY;
        }
        String[] parts = text.split(",", -1);
        Flavour flavour = null;
        TreeMap<Long, long[]> mariaDb = new TreeMap<>(); // domain -> {server, seq}
        TreeMap<String, List<long[]>> mySql = new TreeMap<>();
        for (String raw : parts) {
            String part = raw.strip();
            if (part.isEmpty()) {
                throw new IllegalArgumentException("GTID position '" + text + "' has an empty element");
            }
            Flavour partFlavour = part.indexOf(':') >= 0 ? Flavour.MYSQL : Flavour.MARIADB;
            if (flavour != null && flavour != partFlavour) {
                throw new IllegalArgumentException("GTID position '" + text
                        + "' mixes the MariaDB form (domain-server-seq) and the MySQL form (uuid:intervals) at '"
                        + part + "'");
            }
            flavour = partFlavour;
            if (partFlavour == Flavour.MARIADB) {
                parseMariaDb(part, mariaDb);
            } else {
                parseMySql(part, mySql);
            }
        }
        if (flavour == Flavour.MARIADB) {
            return mariaDb(mariaDb);
        }
        return mySql(mySql);
    }

    private static void parseMariaDb(String part, TreeMap<Long, long[]> into) {
        String[] fields = part.split("-", -1);
        if (fields.length != 3) {
            throw new IllegalArgumentException("GTID element '" + part + "' is not domain-server-seq");
        }
        long domain = number(fields[0], "domain", part, MAX_UINT32);
        long server = number(fields[1], "server id", part, MAX_UINT32);
        long seq = number(fields[2], "sequence number", part, Long.MAX_VALUE);
        long[] known = into.get(domain);
        if (known == null || known[1] < seq) {
            into.put(domain, new long[] {server, seq});
        }
    }

    private static void parseMySql(String part, TreeMap<String, List<long[]>> into) {
        String[] fields = part.split(":", -1);
        String uuid = fields[0].strip().toLowerCase(java.util.Locale.ROOT);
        if (!isUuid(uuid)) {
            throw new IllegalArgumentException("GTID element '" + part + "' does not start with a source UUID");
        }
        if (fields.length < 2) {
            throw new IllegalArgumentException("GTID element '" + part + "' has no transaction interval");
        }
        String source = uuid;
        boolean afterTag = false;
        for (int i = 1; i < fields.length; i++) {
            String field = fields[i].strip();
            if (field.isEmpty()) {
                throw new IllegalArgumentException("GTID element '" + part + "' has an empty interval");
            }
            if (Character.isDigit(field.charAt(0))) {
                long start;
                long end;
                int dash = field.indexOf('-');
                if (dash < 0) {
                    start = number(field, "transaction number", part, MAX_GNO);
                    end = start;
                } else {
                    start = number(field.substring(0, dash), "interval start", part, MAX_GNO);
                    end = number(field.substring(dash + 1), "interval end", part, MAX_GNO);
                }
                if (start < 1 || end < start) {
                    throw new IllegalArgumentException("GTID element '" + part + "' has an invalid interval '" + field
                            + "' (it must be n or n-m with 1 <= n <= m)");
                }
                into.computeIfAbsent(source, k -> new ArrayList<>()).add(new long[] {start, end});
                afterTag = false;
            } else {
                if (afterTag || !isTag(field)) {
                    throw new IllegalArgumentException(
                            "GTID element '" + part + "' has an invalid interval or tag '" + field + "'");
                }
                source = uuid + ":" + field.toLowerCase(java.util.Locale.ROOT);
                afterTag = true;
            }
        }
        if (afterTag) {
            throw new IllegalArgumentException("GTID element '" + part + "' ends without a transaction interval");
        }
    }

    private static long number(String field, String what, String part, long max) {
        String digits = field.strip();
        if (digits.isEmpty() || digits.length() > 19) {
            throw new IllegalArgumentException(
                    "GTID element '" + part + "' has an invalid " + what + " '" + field + "'");
        }
        for (int i = 0; i < digits.length(); i++) {
            if (digits.charAt(i) < '0' || digits.charAt(i) > '9') {
                throw new IllegalArgumentException(
                        "GTID element '" + part + "' has an invalid " + what + " '" + field + "'");
            }
        }
        long value;
        try {
            value = Long.parseLong(digits);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "GTID element '" + part + "' has a " + what + " out of range '" + field + "'", e);
        }
        if (value > max) {
            throw new IllegalArgumentException(
                    "GTID element '" + part + "' has a " + what + " out of range '" + field + "'");
        }
        return value;
    }

    private static boolean isUuid(String s) {
        if (s.length() != 36) {
            return false;
        }
        for (int i = 0; i < 36; i++) {
            char c = s.charAt(i);
            boolean dash = i == 8 || i == 13 || i == 18 || i == 23;
            if (dash ? c != '-' : Character.digit(c, 16) < 0) {
                return false;
            }
        }
        return true;
    }

    /** MySQL: a tag is 1 to 32 letters, digits or underscores, not starting with a digit. */
    private static boolean isTag(String s) {
        if (s.isEmpty() || s.length() > 32 || Character.isDigit(s.charAt(0))) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) {
                return false;
            }
        }
        return true;
    }

    private static GtidPosition mariaDb(TreeMap<Long, long[]> byDomain) {
        int n = byDomain.size();
        long[] domains = new long[n];
        long[] servers = new long[n];
        long[] seqs = new long[n];
        int i = 0;
        for (Map.Entry<Long, long[]> e : byDomain.entrySet()) {
            domains[i] = e.getKey();
            servers[i] = e.getValue()[0];
            seqs[i] = e.getValue()[1];
            i++;
        }
        return new GtidPosition(Flavour.MARIADB, domains, servers, seqs, new String[0], new long[0][]);
    }

    private static GtidPosition mySql(TreeMap<String, List<long[]>> bySource) {
        String[] sources = new String[bySource.size()];
        long[][] sets = new long[sources.length][];
        int i = 0;
        for (Map.Entry<String, List<long[]>> e : bySource.entrySet()) {
            sources[i] = e.getKey();
            sets[i] = normalise(e.getValue());
            i++;
        }
        return new GtidPosition(Flavour.MYSQL, new long[0], new long[0], new long[0], sources, sets);
    }

    /** Sorts intervals and merges those that overlap or touch: [1-5, 6-8, 10-12] becomes [1-8, 10-12]. */
    private static long[] normalise(List<long[]> list) {
        list.sort((a, b) -> Long.compare(a[0], b[0]));
        long[] out = new long[list.size() * 2];
        int n = 0;
        for (long[] interval : list) {
            if (n > 0 && interval[0] <= out[n - 1] + 1) {
                out[n - 1] = Math.max(out[n - 1], interval[1]);
            } else {
                out[n++] = interval[0];
                out[n++] = interval[1];
            }
        }
        return Arrays.copyOf(out, n);
    }

    /** True for {@link #EMPTY}. */
    public boolean isEmpty() {
        return flavour == Flavour.NONE;
    }

    /** True when this is a non-empty position in the MariaDB form. */
    public boolean isMariaDb() {
        return flavour == Flavour.MARIADB;
    }

    /** True when this is a non-empty position in the MySQL form. */
    public boolean isMySql() {
        return flavour == Flavour.MYSQL;
    }

    /**
     * The number of transactions this position stands for: the sum of the MariaDB sequence numbers,
     * or the number of MySQL transaction numbers in all intervals (saturating at Long.MAX_VALUE).
     */
    public long transactionCount() {
        return total;
    }

    /**
     * Whether a server at this position has applied every transaction of {@code other}.
     * MariaDB: every domain of {@code other} is here with a sequence number at least as high (server
     * ids are ignored). MySQL: the interval sets of {@code other} are included in ours. Positions of
     * different flavours contain each other only when one is empty. Allocates nothing.
     */
    public boolean contains(GtidPosition other) {
        if (other.flavour == Flavour.NONE) {
            return true;
        }
        if (other.flavour != flavour) {
            return false;
        }
        return flavour == Flavour.MARIADB ? containsMariaDb(other) : containsMySql(other);
    }

    private boolean containsMariaDb(GtidPosition other) {
        int j = 0;
        for (int i = 0; i < other.domains.length; i++) {
            long domain = other.domains[i];
            while (j < domains.length && domains[j] < domain) {
                j++;
            }
            if (j == domains.length || domains[j] != domain || seqs[j] < other.seqs[i]) {
                return false;
            }
        }
        return true;
    }

    private boolean containsMySql(GtidPosition other) {
        int j = 0;
        for (int i = 0; i < other.sources.length; i++) {
            String source = other.sources[i];
            while (j < sources.length && sources[j].compareTo(source) < 0) {
                j++;
            }
            if (j == sources.length || !sources[j].equals(source) || !includes(intervals[j], other.intervals[i])) {
                return false;
            }
        }
        return true;
    }

    /** Whether the normalised interval set {@code outer} includes every interval of {@code inner}. */
    private static boolean includes(long[] outer, long[] inner) {
        int p = 0;
        for (int i = 0; i < inner.length; i += 2) {
            long start = inner[i];
            long end = inner[i + 1];
            while (p < outer.length && outer[p + 1] < start) {
                p += 2;
            }
            if (p == outer.length || outer[p] > start || outer[p + 1] < end) {
                return false;
            }
        }
        return true;
    }

    /**
     * The union of both positions: per MariaDB domain the higher sequence number (with its server
     * id), per MySQL source the union of the intervals.
     *
     * @throws IllegalArgumentException when the positions are of different flavours (neither empty)
     */
    public GtidPosition merge(GtidPosition other) {
        if (other.flavour == Flavour.NONE || other == this) {
            return this;
        }
        if (flavour == Flavour.NONE) {
            return other;
        }
        if (other.flavour != flavour) {
            throw new IllegalArgumentException(
                    "cannot merge GTID positions of different forms: '" + this + "' and '" + other + "'");
        }
        if (flavour == Flavour.MARIADB) {
            TreeMap<Long, long[]> byDomain = new TreeMap<>();
            for (GtidPosition p : new GtidPosition[] {this, other}) {
                for (int i = 0; i < p.domains.length; i++) {
                    long[] known = byDomain.get(p.domains[i]);
                    if (known == null || known[1] < p.seqs[i]) {
                        byDomain.put(p.domains[i], new long[] {p.servers[i], p.seqs[i]});
                    }
                }
            }
            return mariaDb(byDomain);
        }
        TreeMap<String, List<long[]>> bySource = new TreeMap<>();
        for (GtidPosition p : new GtidPosition[] {this, other}) {
            for (int i = 0; i < p.sources.length; i++) {
                List<long[]> list = bySource.computeIfAbsent(p.sources[i], k -> new ArrayList<>());
                long[] set = p.intervals[i];
                for (int k = 0; k < set.length; k += 2) {
                    list.add(new long[] {set[k], set[k + 1]});
                }
            }
        }
        return mySql(bySource);
    }

    /**
     * Whether this position is further advanced than {@code other}, for choosing the most advanced
     * replica: true when it contains {@code other} and not the reverse; when neither contains the
     * other (or the flavours differ), when it stands for more transactions. Equal positions are not
     * ahead of each other. Allocates nothing.
     */
    public boolean isAheadOf(GtidPosition other) {
        boolean mine = contains(other);
        boolean theirs = other.contains(this);
        if (mine != theirs) {
            return mine;
        }
        return !mine && total > other.total;
    }

    private String format() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < domains.length; i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append(domains[i]).append('-').append(servers[i]).append('-').append(seqs[i]);
        }
        String previousUuid = null;
        for (int i = 0; i < sources.length; i++) {
            String source = sources[i];
            int colon = source.indexOf(':');
            String uuid = colon < 0 ? source : source.substring(0, colon);
            if (!uuid.equals(previousUuid)) {
                if (i > 0) {
                    sb.append(',');
                }
                sb.append(uuid);
                previousUuid = uuid;
            }
            if (colon >= 0) {
                sb.append(source, colon, source.length());
            }
            long[] set = intervals[i];
            for (int k = 0; k < set.length; k += 2) {
                sb.append(':').append(set[k]);
                if (set[k + 1] != set[k]) {
                    sb.append('-').append(set[k + 1]);
                }
            }
        }
        return sb.toString();
    }

    private static long saturatedAdd(long a, long b) {
        long sum = a + b;
        return sum < 0 ? Long.MAX_VALUE : sum;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GtidPosition other && other.text.equals(text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }

    /** The canonical text: sorted, merged, lower case; "" for {@link #EMPTY}. */
    @Override
    public String toString() {
        return text;
    }
}
