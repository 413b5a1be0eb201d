package dev.turnout.connector.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ValuesTest {

    private static final Duration MAX = Duration.ofMinutes(60);

    @ParameterizedTest(name = "{0} = {1} ms")
    @CsvSource(textBlock = """
            0,       0
            250,     250
            250ms,   250
            '250 ms', 250
            3s,      3000
            1m,      60000
            60m,     3600000
            3600000, 3600000
            """)
    void readsDurationsAsMillisecondsOrWithAUnit(String text, long millis) {
        assertThat(Values.duration(text, Duration.ZERO, MAX)).isEqualTo(Duration.ofMillis(millis));
    }

    @ParameterizedTest(name = "{index}: [{0}]")
    @CsvSource(textBlock = """
            3h
            3S
            1.5s
            s
            -1
            ''
            3 s s
            """)
    void rejectsMalformedDurations(String text) {
        assertThatThrownBy(() -> Values.duration(text, Duration.ZERO, MAX))
                .hasMessage("\"" + text
                        + "\" is not a duration (milliseconds, or a number with unit ms, s or m: 500ms, 3s, 1m)");
    }

    @Test
    void rejectsDurationsOutsideTheirRangeEvenWhenTheyWouldOverflow() {
        assertThatThrownBy(() -> Values.duration("3600001", Duration.ZERO, MAX))
                .hasMessage("\"3600001\" is out of range (0ms-60m)");
        assertThatThrownBy(() -> Values.duration("999999999999999m", Duration.ZERO, MAX))
                .hasMessage("\"999999999999999m\" is out of range (0ms-60m)");
        assertThatThrownBy(() -> Values.duration("0", Duration.ofMillis(1), Duration.ofSeconds(90)))
                .hasMessage("\"0\" is out of range (1ms-90s)");
    }

    @ParameterizedTest(name = "{0} = {1} bytes")
    @CsvSource(textBlock = """
            1024,    1024
            1K,      1024
            1k,      1024
            16M,     16777216
            '16 M',  16777216
            1G,      1073741824
            1073741824, 1073741824
            1536,    1536
            """)
    void readsSizesAsBytesOrWithABinarySuffix(String text, long bytes) {
        assertThat(Values.size(text, Values.K, Values.G)).isEqualTo(bytes);
    }

    @Test
    void rejectsMalformedAndOutOfRangeSizes() {
        assertThatThrownBy(() -> Values.size("1.5G", Values.K, Values.G))
                .hasMessage("\"1.5G\" is not a size (bytes, or a number with suffix K, M or G: 64M, 1G)");
        assertThatThrownBy(() -> Values.size("1KB", Values.K, Values.G))
                .hasMessage("\"1KB\" is not a size (bytes, or a number with suffix K, M or G: 64M, 1G)");
        assertThatThrownBy(() -> Values.size("1025M", Values.K, Values.G))
                .hasMessage("\"1025M\" is out of range (1K-1G)");
        assertThatThrownBy(() -> Values.size("999999999999999G", Values.K, Values.G))
                .hasMessage("\"999999999999999G\" is out of range (1K-1G)");
        assertThatThrownBy(() -> Values.size("0", Values.K, Values.G)).hasMessage("\"0\" is out of range (1K-1G)");
    }

    @Test
    void formatsDurationsAndSizesInTheFilesOwnSyntax() {
        assertThat(Values.format(Duration.ofSeconds(3))).isEqualTo("3s");
        assertThat(Values.format(Duration.ofMinutes(2))).isEqualTo("2m");
        assertThat(Values.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
        assertThat(Values.format(Duration.ZERO)).isEqualTo("0ms");
        assertThat(Values.formatSize(Values.G)).isEqualTo("1G");
        assertThat(Values.formatSize(64 * Values.M)).isEqualTo("64M");
        assertThat(Values.formatSize(1536)).isEqualTo("1536");
    }

    @ParameterizedTest(name = "{0} = {1} ms")
    @CsvSource(textBlock = """
            5,        5000
            0,        0
            0.0,      0
            0.001,    1
            1.5,      1500
            500ms,    500
            '500 ms', 500
            1.5s,     1500
            2s,       2000
            1m,       60000
            0.5m,     30000
            3600,     3600000
            """)
    void readsTungstenStyleDurationsAsSecondsOrWithAUnit(String text, long millis) {
        assertThat(Values.secondsDuration(text, Duration.ZERO, MAX)).isEqualTo(Duration.ofMillis(millis));
    }

    @ParameterizedTest(name = "{index}: [{0}]")
    @CsvSource(textBlock = """
            5h
            5S
            .5
            5.
            -1
            ''
            1.5.2s
            '1,5'
            """)
    void rejectsMalformedTungstenStyleDurations(String text) {
        assertThatThrownBy(() -> Values.secondsDuration(text, Duration.ZERO, MAX))
                .hasMessage("\"" + text
                        + "\" is not a duration (seconds, or a number with unit ms, s or m: 5, 1.5s, 500ms, 1m)");
    }

    @Test
    void rejectsTungstenStyleDurationsThatAreNotWholeMillisecondsOrOutOfRange() {
        assertThatThrownBy(() -> Values.secondsDuration("1.5ms", Duration.ZERO, MAX))
                .hasMessage("\"1.5ms\" is not a whole number of milliseconds");
        assertThatThrownBy(() -> Values.secondsDuration("0.0001s", Duration.ZERO, MAX))
                .hasMessage("\"0.0001s\" is not a whole number of milliseconds");
        assertThatThrownBy(() -> Values.secondsDuration("3600.001", Duration.ZERO, MAX))
                .hasMessage("\"3600.001\" is out of range (0ms-60m)");
        assertThatThrownBy(() -> Values.secondsDuration("999999999999999m", Duration.ZERO, MAX))
                .hasMessage("\"999999999999999m\" is out of range (0ms-60m)");
        assertThatThrownBy(() -> Values.secondsDuration("0", Duration.ofMillis(1), MAX))
                .hasMessage("\"0\" is out of range (1ms-60m)");
    }

    @Test
    void keepsPlainNumbersAsMillisecondsInTheOtherDurations() {
        assertThat(Values.duration("500", Duration.ZERO, MAX)).isEqualTo(Duration.ofMillis(500));
        assertThat(Values.duration("500ms", Duration.ZERO, MAX)).isEqualTo(Duration.ofMillis(500));
    }

    @Test
    void readsBooleansInAnyCase() {
        assertThat(Values.bool("true")).isTrue();
        assertThat(Values.bool("False")).isFalse();
        assertThatThrownBy(() -> Values.bool("1")).hasMessage("\"1\" is not true or false");
        assertThatThrownBy(() -> Values.bool("on")).hasMessage("\"on\" is not true or false");
    }

    @Test
    void readsPortsAndBoundedIntegers() {
        assertThat(Values.port("1")).isEqualTo(1);
        assertThat(Values.port("65535")).isEqualTo(65535);
        assertThatThrownBy(() -> Values.port("99999999999")).hasMessage("\"99999999999\" is not a port (1-65535)");
        assertThat(Values.integer("256", 1, 256)).isEqualTo(256);
        assertThatThrownBy(() -> Values.integer("+4", 1, 256)).hasMessage("\"+4\" is not a whole number (1-256)");
    }
}
