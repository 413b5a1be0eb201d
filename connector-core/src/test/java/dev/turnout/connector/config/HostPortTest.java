package dev.turnout.connector.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HostPortTest {

    @ParameterizedTest(name = "{0} -> {1}:{2}")
    @CsvSource(delimiter = '|', textBlock = """
            db1                 | db1              | 3306
            db1:13306           | db1              | 13306
            DB1.Example.COM     | db1.example.com  | 3306
            10.0.0.7:3307       | 10.0.0.7         | 3307
            host_with_underscore| host_with_underscore | 3306
            [::1]               | ::1              | 3306
            [::1]:3307          | ::1              | 3307
            [2001:DB8::17]:4000 | 2001:db8::17     | 4000
            [::ffff:10.0.0.1]   | ::ffff:10.0.0.1  | 3306
            '  db2:3308  '      | db2              | 3308
            """)
    void parsesHostsWithAndWithoutPort(String text, String host, int port) {
        assertThat(HostPort.parse(text, 3306)).isEqualTo(new HostPort(host, port));
    }

    @Test
    void printsIpv6LiteralsInBrackets() {
        assertThat(new HostPort("::1", 3306)).hasToString("[::1]:3306");
        assertThat(new HostPort("db1", 13306)).hasToString("db1:13306");
        assertThat(HostPort.parse("[2001:db8::1]:7", 1)).hasToString("[2001:db8::1]:7");
    }

    @ParameterizedTest(name = "{index}: [{0}]")
    @CsvSource(delimiter = '|', textBlock = """
            ''            | empty host
            ::1           | "::1" is not a host: write IPv6 addresses in brackets, e.g. [::1]:3306
            fe80::1:3306  | "fe80::1:3306" is not a host: write IPv6 addresses in brackets, e.g. [::1]:3306
            [::1          | "[::1" is not a host: missing ']' after the IPv6 address
            [::1]3306     | "[::1]3306" is not a host: expected ':port' after ']'
            [db1]:3306    | "[db1]:3306" is not an IPv6 address
            [1::2::3]     | "[1::2::3]" is not an IPv6 address
            db1:          | "db1:": "" is not a port (1-65535)
            db1:x         | "db1:x": "x" is not a port (1-65535)
            db1:65536     | "db1:65536": "65536" is not a port (1-65535)
            db1:-1        | "db1:-1": "-1" is not a port (1-65535)
            -db1          | "-db1" is not a host name or address
            db1..example  | "db1..example" is not a host name or address
            db/1          | "db/1" is not a host name or address
            """)
    void rejectsMalformedHostsWithAnOperatorMessage(String text, String message) {
        assertThatThrownBy(() -> HostPort.parse(text, 3306))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(message);
    }

    @Test
    void validatesWhenBuiltDirectly() {
        assertThat(new HostPort("DB1", 3306).host()).isEqualTo("db1");
        assertThatThrownBy(() -> new HostPort("db1", 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new HostPort("not a host", 3306)).isInstanceOf(IllegalArgumentException.class);
    }
}
