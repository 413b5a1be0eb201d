package dev.turnout.monitor;

/** Which server family a datasource runs, as told by its version string. */
public enum Flavor {
    /** MariaDB: the version string contains {@code MariaDB}; GTID position {@code @@global.gtid_current_pos}. */
    MARIADB,
    /** MySQL (or a fork that does not say MariaDB); GTID position {@code @@global.gtid_executed}. */
    MYSQL;

    /** The flavor of a server that reports {@code version} ({@code @@version} or the handshake's version). */
    public static Flavor ofVersion(String version) {
        return version.contains("MariaDB") ? MARIADB : MYSQL;
    }
}
