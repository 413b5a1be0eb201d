package dev.turnout.connector.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** A table of bad files, each with the exact message an operator gets. */
class ConfigErrorsTest {

    /** Lines 1-3; a test appends its own lines from line 4 on. */
    private static final String DEFAULTS = """
            [defaults]
            application-user=app
            application-password=secret
            """;

    /** Lines 1-6: a valid file; a test appends its own lines from line 7 on. */
    private static final String VALID = DEFAULTS + """
            [alpha]
            master=db1
            members=db1,db2,db3
            """;

    static Stream<Arguments> badFiles() {
        return Stream.of(
                bad(
                        "a port above 65535",
                        VALID + "application-port=70000\n",
                        "tungsten.ini:7: application-port: \"70000\" is not a port (1-65535)"),
                bad(
                        "a port that is not a number",
                        DEFAULTS + "application-port=mysql\n[alpha]\nmaster=db1\nmembers=db1\n",
                        "tungsten.ini:4: application-port: \"mysql\" is not a port (1-65535)"),
                bad(
                        "a misspelt key",
                        VALID + "aplication-port=3306\n",
                        "tungsten.ini:7: aplication-port: unknown key (did you mean application-port?)"),
                bad("an unknown key", VALID + "frobnicate=yes\n", "tungsten.ini:7: frobnicate: unknown key"),
                bad(
                        "a duplicate key",
                        VALID + "members=db1\n",
                        "tungsten.ini:7: members: duplicate key in [alpha] (first at line 6)"),
                bad(
                        "a missing application-user",
                        "[defaults]\napplication-password=x\n[alpha]\nmaster=db1\nmembers=db1\n",
                        "tungsten.ini:3: application-user: missing for [alpha] (set it in [defaults] or in [alpha])"),
                bad(
                        "a missing application-password",
                        "[alpha]\napplication-user=app\nmaster=db1\nmembers=db1\n",
                        "tungsten.ini:1: application-password: missing for [alpha] (set it in [defaults] or in [alpha])"),
                bad(
                        "a key before any section",
                        "user=tungsten\n" + VALID,
                        "tungsten.ini:1: user: outside a section (start the file with [defaults])"),
                bad(
                        "a bad section header",
                        VALID + "[al pha]\nmaster=db1\n",
                        "tungsten.ini:7: [al pha]: not a section header (expected [NAME], NAME of letters, digits, '_' and '-')"),
                bad(
                        "an unclosed section header",
                        VALID + "[beta\n",
                        "tungsten.ini:7: [beta: not a section header (expected [NAME], NAME of letters, digits, '_' and '-')"),
                bad(
                        "a duplicate section",
                        VALID + "[alpha]\nmaster=db2\n",
                        "tungsten.ini:7: [alpha]: duplicate section (first at line 4)"),
                bad(
                        "a key without value",
                        VALID + "skip-validation-check\n",
                        "tungsten.ini:7: skip-validation-check: no value (every key needs key=value)"),
                bad(
                        "an empty value",
                        VALID + "connectors=\n",
                        "tungsten.ini:7: connectors: empty value (every key needs a value)"),
                bad("a line without key", VALID + "=db1\n", "tungsten.ini:7: \"=db1\": no key before '='"),
                bad(
                        "a master that is not a member",
                        DEFAULTS + "[alpha]\nmaster=db9\nmembers=db1,db2\n",
                        "tungsten.ini:5: master: db9:3306 is not among members (db1:3306, db2:3306)"),
                bad(
                        "a master on another port than the member",
                        DEFAULTS + "[alpha]\nmaster=db1:3307\nmembers=db1,db2\n",
                        "tungsten.ini:5: master: db1:3307 is not among members (db1:3306, db2:3306)"),
                bad(
                        "an unsupported topology",
                        VALID + "topology=master-slave\n",
                        "tungsten.ini:7: topology: \"master-slave\" is not supported (this version supports clustered)"),
                bad(
                        "both master and relay",
                        VALID + "[beta]\nmaster=db4\nmembers=db4\nrelay=db4\nrelay-source=alpha\n",
                        "tungsten.ini:10: relay: set either master (an active site) or relay (a passive site), not both"),
                bad(
                        "neither master nor relay",
                        DEFAULTS + "[alpha]\nmembers=db1\n",
                        "tungsten.ini:4: master: missing in [alpha] (set master, or relay and relay-source for a passive site)"),
                bad(
                        "a relay without relay-source",
                        DEFAULTS + "[beta]\nrelay=db1\nmembers=db1\n",
                        "tungsten.ini:5: relay: needs relay-source (the dataservice this passive site replicates from)"),
                bad(
                        "a relay-source that does not exist",
                        VALID + "[beta]\nrelay=db4\nmembers=db4\nrelay-source=east\n",
                        "tungsten.ini:10: relay-source: \"east\" is not a dataservice of this file (dataservices: alpha, beta)"),
                bad(
                        "a relay-source beside master",
                        VALID + "relay-source=alpha\n",
                        "tungsten.ini:7: relay-source: needs relay (the host of this passive site that replicates from relay-source), not master"),
                bad(
                        "missing members",
                        DEFAULTS + "[alpha]\nmaster=db1\n",
                        "tungsten.ini:4: members: missing in [alpha] (list the datasource hosts, master included)"),
                bad(
                        "the same member twice, once with the default port",
                        DEFAULTS + "[alpha]\nmaster=db1\nmembers=db1,db2,DB1:3306\n",
                        "tungsten.ini:6: members: duplicate host db1:3306"),
                bad(
                        "a member with a bad port",
                        DEFAULTS + "[alpha]\nmaster=db1\nmembers=db1,db2:0\n",
                        "tungsten.ini:6: members: \"db2:0\": \"0\" is not a port (1-65535)"),
                bad(
                        "an IPv6 member without brackets",
                        DEFAULTS + "[alpha]\nmaster=db1\nmembers=db1,::1\n",
                        "tungsten.ini:6: members: \"::1\" is not a host: write IPv6 addresses in brackets, e.g. [::1]:3306"),
                bad(
                        "an IPv6 member with a bad address",
                        DEFAULTS + "[alpha]\nmaster=db1\nmembers=db1,[::g]:3306\n",
                        "tungsten.ini:6: members: \"[::g]:3306\" is not an IPv6 address"),
                bad(
                        "a member that is not a host name",
                        DEFAULTS + "[alpha]\nmaster=db1\nmembers=db1,db 2\n",
                        "tungsten.ini:6: members: \"db 2\" is not a host name or address"),
                bad(
                        "an empty item in a list",
                        DEFAULTS + "[alpha]\nmaster=db1\nmembers=db1,,db2\n",
                        "tungsten.ini:6: members: empty item in list \"db1,,db2\""),
                bad(
                        "a connector with a port",
                        VALID + "connectors=db1:9999\n",
                        "tungsten.ini:7: connectors: \"db1:9999\" has a port (connectors are host names)"),
                bad(
                        "a connector twice",
                        VALID + "connectors=app1,App1\n",
                        "tungsten.ini:7: connectors: duplicate host app1"),
                bad(
                        "a dataservice key in [defaults]",
                        DEFAULTS + "topology=clustered\n[alpha]\nmaster=db1\nmembers=db1\n",
                        "tungsten.ini:4: topology: only valid in a dataservice section, not in [defaults]"),
                bad(
                        "a composite of an unknown dataservice",
                        VALID + "[global]\ncomposite-datasources=alpha,beta\n",
                        "tungsten.ini:8: composite-datasources: \"beta\" is not a dataservice of this file (dataservices: alpha)"),
                bad(
                        "a composite of a composite",
                        VALID + "[global]\ncomposite-datasources=alpha\n[world]\ncomposite-datasources=global\n",
                        "tungsten.ini:10: composite-datasources: \"global\" is a composite dataservice (composites do not nest)"),
                bad(
                        "a composite naming itself",
                        VALID + "[global]\ncomposite-datasources=alpha,global\n",
                        "tungsten.ini:8: composite-datasources: names [global] itself"),
                bad(
                        "a composite listing a dataservice twice",
                        VALID + "[global]\ncomposite-datasources=alpha,alpha\n",
                        "tungsten.ini:8: composite-datasources: \"alpha\" is listed twice"),
                bad(
                        "a composite with a master",
                        VALID + "[global]\ncomposite-datasources=alpha\nmaster=db1\n",
                        "tungsten.ini:9: master: not valid in composite dataservice [global] (a section with composite-datasources lists dataservices only)"),
                bad(
                        "a duration with an unknown unit",
                        VALID + "connector-connect-timeout=3h\n",
                        "tungsten.ini:7: connector-connect-timeout: \"3h\" is not a duration (milliseconds, or a number with unit ms, s or m: 500ms, 3s, 1m)"),
                bad(
                        "a negative duration",
                        VALID + "connector-shutdown-timeout=-1s\n",
                        "tungsten.ini:7: connector-shutdown-timeout: \"-1s\" is not a duration (milliseconds, or a number with unit ms, s or m: 500ms, 3s, 1m)"),
                bad(
                        "a zero connect timeout",
                        VALID + "connector-connect-timeout=0\n",
                        "tungsten.ini:7: connector-connect-timeout: \"0\" is out of range (1ms-10m)"),
                bad(
                        "a shutdown timeout above an hour",
                        VALID + "connector-shutdown-timeout=61m\n",
                        "tungsten.ini:7: connector-shutdown-timeout: \"61m\" is out of range (0ms-60m)"),
                bad(
                        "a size with an unknown suffix",
                        VALID + "connector-max-allowed-packet=1T\n",
                        "tungsten.ini:7: connector-max-allowed-packet: \"1T\" is not a size (bytes, or a number with suffix K, M or G: 64M, 1G)"),
                bad(
                        "a size above 1G",
                        VALID + "connector-max-allowed-packet=2G\n",
                        "tungsten.ini:7: connector-max-allowed-packet: \"2G\" is out of range (1K-1G)"),
                bad(
                        "a size below 1K",
                        VALID + "connector-max-allowed-packet=1023\n",
                        "tungsten.ini:7: connector-max-allowed-packet: \"1023\" is out of range (1K-1G)"),
                bad(
                        "zero worker threads",
                        VALID + "connector-worker-threads=0\n",
                        "tungsten.ini:7: connector-worker-threads: \"0\" is out of range (1-256)"),
                bad(
                        "too many worker threads",
                        VALID + "connector-worker-threads=257\n",
                        "tungsten.ini:7: connector-worker-threads: \"257\" is out of range (1-256)"),
                bad(
                        "worker threads that are not a number",
                        VALID + "connector-worker-threads=auto\n",
                        "tungsten.ini:7: connector-worker-threads: \"auto\" is not a whole number (1-256)"),
                bad(
                        "a listen address with a space",
                        VALID + "connector-listen-address=127.0.0 .1\n",
                        "tungsten.ini:7: connector-listen-address: \"127.0.0 .1\" is not an address (an IPv4 or IPv6 address or a host name, e.g. 0.0.0.0, ::, 127.0.0.1)"),
                bad(
                        "a bad override in a dataservice section",
                        VALID + "replication-port=none\n",
                        "tungsten.ini:7: replication-port: \"none\" is not a port (1-65535)"),
                bad(
                        "an unknown quality of service",
                        VALID + "connector-qos=RO_STRICT\n",
                        "tungsten.ini:7: connector-qos: \"RO_STRICT\" is not one of RW_STRICT, RO_RELAXED"),
                bad(
                        "a smartscale that is not a boolean",
                        VALID + "connector-smartscale=yes\n",
                        "tungsten.ini:7: connector-smartscale: \"yes\" is not true or false"),
                bad(
                        "a smartscale wait with a fraction",
                        VALID + "connector-smartscale-wait=1.5s\n",
                        "tungsten.ini:7: connector-smartscale-wait: \"1.5s\" is not a duration (milliseconds, or a number with unit ms, s or m: 500ms, 3s, 1m)"),
                bad(
                        "a smartscale wait above ten minutes",
                        VALID + "connector-smartscale-wait=11m\n",
                        "tungsten.ini:7: connector-smartscale-wait: \"11m\" is out of range (0ms-10m)"),
                bad(
                        "a slave latency with an unknown unit",
                        VALID + "connector-max-slave-latency=5h\n",
                        "tungsten.ini:7: connector-max-slave-latency: \"5h\" is not a duration (seconds, or a number with unit ms, s or m: 5, 1.5s, 500ms, 1m)"),
                bad(
                        "a negative slave latency",
                        VALID + "connector-max-slave-latency=-1\n",
                        "tungsten.ini:7: connector-max-slave-latency: \"-1\" is not a duration (seconds, or a number with unit ms, s or m: 5, 1.5s, 500ms, 1m)"),
                bad(
                        "a slave latency finer than a millisecond",
                        VALID + "connector-max-slave-latency=0.0005\n",
                        "tungsten.ini:7: connector-max-slave-latency: \"0.0005\" is not a whole number of milliseconds"),
                bad(
                        "a slave latency above an hour",
                        VALID + "connector-max-slave-latency=3601\n",
                        "tungsten.ini:7: connector-max-slave-latency: \"3601\" is out of range (0ms-60m)"),
                bad(
                        "an unknown load balancer",
                        VALID + "connector-load-balancer=random\n",
                        "tungsten.ini:7: connector-load-balancer: \"random\" is not one of round-robin, least-active, lowest-latency, most-advanced"),
                bad(
                        "an unknown transport",
                        VALID + "connector-transport=kqueue\n",
                        "tungsten.ini:7: connector-transport: \"kqueue\" is not one of auto, epoll, io_uring, nio"),
                bad(
                        "an affinity with an empty item",
                        VALID + "connector-affinity=db2,,db3\n",
                        "tungsten.ini:7: connector-affinity: \"db2,,db3\" has an empty item (expected names separated by commas, a leading - excludes one: db2,-db3)"),
                bad(
                        "an affinity excluding nothing",
                        VALID + "connector-affinity=db2,-\n",
                        "tungsten.ini:7: connector-affinity: \"db2,-\" has an empty item (expected names separated by commas, a leading - excludes one: db2,-db3)"),
                bad(
                        "an affinity with a bad name",
                        VALID + "connector-affinity=db 2\n",
                        "tungsten.ini:7: connector-affinity: \"db 2\" is not a datasource or dataservice name"),
                bad(
                        "an affinity both preferring and excluding",
                        VALID + "connector-affinity=db2,-db2\n",
                        "tungsten.ini:7: connector-affinity: \"db2\" is listed twice"),
                bad(
                        "a probe interval below 10ms",
                        VALID + "connector-probe-interval=5ms\n",
                        "tungsten.ini:7: connector-probe-interval: \"5ms\" is out of range (10ms-10m)"),
                bad(
                        "a heartbeat interval that is not a duration",
                        VALID + "connector-heartbeat-interval=often\n",
                        "tungsten.ini:7: connector-heartbeat-interval: \"often\" is not a duration (milliseconds, or a number with unit ms, s or m: 500ms, 3s, 1m)"),
                bad(
                        "a replica backoff above ten minutes",
                        VALID + "connector-replica-backoff=11m\n",
                        "tungsten.ini:7: connector-replica-backoff: \"11m\" is out of range (0ms-10m)"),
                bad(
                        "a failover retry below 10ms",
                        VALID + "connector-failover-retry=9ms\n",
                        "tungsten.ini:7: connector-failover-retry: \"9ms\" is out of range (10ms-10s)"),
                bad(
                        "a failover retry above ten seconds",
                        VALID + "connector-failover-retry=10001\n",
                        "tungsten.ini:7: connector-failover-retry: \"10001\" is out of range (10ms-10s)"),
                bad(
                        "a backend pool idle time below a second",
                        VALID + "connector-backend-pool-idle=999ms\n",
                        "tungsten.ini:7: connector-backend-pool-idle: \"999ms\" is out of range (1s-480m)"),
                bad(
                        "a backend pool idle time above eight hours",
                        VALID + "connector-backend-pool-idle=481m\n",
                        "tungsten.ini:7: connector-backend-pool-idle: \"481m\" is out of range (1s-480m)"),
                bad(
                        "a backend pool idle time in hours",
                        VALID + "connector-backend-pool-idle=8h\n",
                        "tungsten.ini:7: connector-backend-pool-idle: \"8h\" is not a duration (milliseconds, or a number with unit ms, s or m: 500ms, 3s, 1m)"),
                bad(
                        "a misspelt new key",
                        VALID + "connector-smartscal=true\n",
                        "tungsten.ini:7: connector-smartscal: unknown key (did you mean connector-smartscale?)"),
                bad(
                        "no dataservice section",
                        DEFAULTS,
                        "tungsten.ini: no dataservice section (add one, e.g. [alpha] with master= and members=)"));
    }

    private static Arguments bad(String what, String text, String message) {
        return Arguments.of(what, text, message);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badFiles")
    void rejectsABadFileWithAMessageNamingFileLineAndKey(String what, String text, String message) {
        ConfigException e =
                catchThrowableOfType(ConfigException.class, () -> ConnectorConfig.parse(text, "tungsten.ini", null));

        assertThat(e).as(what).isNotNull();
        assertThat(e.getMessage()).isEqualTo(message);
        assertThat(e.problems()).containsExactly(message);
    }

    @Test
    void reportsEveryProblemOfAFileAtOnceInLineOrder() {
        String text = """
                [defaults]
                application-user=app
                application-port=0
                [alpha]
                master=db1
                members=db1,db2
                colour=blue
                [beta]
                master=db9
                members=db1
                """;

        ConfigException e = catchThrowableOfType(
                ConfigException.class, () -> ConnectorConfig.parse(text, "/etc/tungsten/tungsten.ini", "alpha"));

        assertThat(e.problems())
                .containsExactly(
                        "/etc/tungsten/tungsten.ini:3: application-port: \"0\" is not a port (1-65535)",
                        "/etc/tungsten/tungsten.ini:4: application-password: missing for [alpha] (set it in [defaults] or in [alpha])",
                        "/etc/tungsten/tungsten.ini:7: colour: unknown key",
                        "/etc/tungsten/tungsten.ini:8: application-password: missing for [beta] (set it in [defaults] or in [beta])",
                        "/etc/tungsten/tungsten.ini:9: master: db9:3306 is not among members (db1:3306)");
        assertThat(e.getMessage()).isEqualTo(String.join("\n", e.problems()));
    }

    @Test
    void rejectsAnUnknownServiceListingTheChoices() {
        String text = VALID + "[beta]\nmaster=db4\nmembers=db4\n[global]\ncomposite-datasources=alpha,beta\n";

        ConfigException e =
                catchThrowableOfType(ConfigException.class, () -> ConnectorConfig.parse(text, "tungsten.ini", "gamma"));

        assertThat(e)
                .hasMessage(
                        "tungsten.ini: --service: unknown dataservice \"gamma\" (choose one of: alpha, beta, global)");
    }

    @Test
    void requiresAServiceWhenTheFileHasSeveralDataservices() {
        String text = VALID + "[beta]\nmaster=db4\nmembers=db4\n[global]\ncomposite-datasources=alpha,beta\n";

        ConfigException e =
                catchThrowableOfType(ConfigException.class, () -> ConnectorConfig.parse(text, "tungsten.ini", null));

        assertThat(e)
                .hasMessage(
                        "tungsten.ini: --service: the file has several dataservices; choose one of: alpha, beta, global");
    }

    @Test
    void doesNotTakeDefaultsAsAServiceName() {
        ConfigException e = catchThrowableOfType(
                ConfigException.class, () -> ConnectorConfig.parse(VALID, "tungsten.ini", "defaults"));

        assertThat(e).hasMessage("tungsten.ini: --service: unknown dataservice \"defaults\" (choose one of: alpha)");
    }

    @Test
    void reportsABadDefaultOnceThoughSeveralSectionsInheritIt() {
        String text =
                VALID.replace("[alpha]", "connector-worker-threads=0\n[alpha]") + "[beta]\nmaster=db4\nmembers=db4\n";

        ConfigException e =
                catchThrowableOfType(ConfigException.class, () -> ConnectorConfig.parse(text, "tungsten.ini", "alpha"));

        assertThat(e.problems())
                .containsExactly("tungsten.ini:4: connector-worker-threads: \"0\" is out of range (1-256)");
    }
}
