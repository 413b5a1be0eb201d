package dev.turnout.routing.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class PolicyValuesTest {

    @Nested
    class QosParsing {

        @ParameterizedTest
        @CsvSource({
            "RW_STRICT, RW_STRICT",
            "rw_strict, RW_STRICT",
            "Ro_Relaxed, RO_RELAXED",
            "ro-relaxed, RO_RELAXED",
            "' RO_RELAXED ', RO_RELAXED"
        })
        void parsesCaseInsensitively(String text, Qos expected) {
            assertThat(Qos.parse(text)).isEqualTo(expected);
        }

        @Test
        void rejectsUnknownListingTheValidValues() {
            assertThatThrownBy(() -> Qos.parse("fast"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("'fast'")
                    .hasMessageContaining("RW_STRICT, RO_RELAXED");
            assertThatThrownBy(() -> Qos.parse(null)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Nested
    class BalancerParsing {

        @ParameterizedTest
        @CsvSource({
            "round-robin, ROUND_ROBIN",
            "ROUND_ROBIN, ROUND_ROBIN",
            "least-active, LEAST_ACTIVE",
            "Lowest_Latency, LOWEST_LATENCY",
            "most-advanced, MOST_ADVANCED"
        })
        void acceptsDashesAndAnyCase(String text, Balancer expected) {
            assertThat(Balancer.parse(text)).isEqualTo(expected);
        }

        @Test
        void rejectsUnknownListingTheValidValues() {
            assertThatThrownBy(() -> Balancer.parse("random"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("'random'")
                    .hasMessageContaining("ROUND_ROBIN, LEAST_ACTIVE, LOWEST_LATENCY, MOST_ADVANCED");
        }
    }

    @Nested
    class AffinityParsing {

        @Test
        void preferredInOrderAndExcludedWithALeadingDash() {
            Affinity a = Affinity.parse(" host2, host1 ,-host3,- host4");
            assertThat(a.preferred()).containsExactly("host2", "host1");
            assertThat(a.excluded()).containsExactlyInAnyOrder("host3", "host4");
            assertThat(a.format()).isEqualTo("host2,host1,-host3,-host4");
            assertThat(Affinity.parse(a.format())).isEqualTo(a);
        }

        @Test
        void onlyExclusions() {
            Affinity a = Affinity.parse("-db3");
            assertThat(a.preferred()).isEmpty();
            assertThat(a.excluded()).containsExactly("db3");
            assertThat(a.format()).isEqualTo("-db3");
        }

        @ParameterizedTest
        @ValueSource(strings = {"", "   "})
        void blankIsNone(String text) {
            assertThat(Affinity.parse(text)).isSameAs(Affinity.NONE);
            assertThat(Affinity.parse(null)).isSameAs(Affinity.NONE);
            assertThat(Affinity.NONE.format()).isEmpty();
        }

        @ParameterizedTest
        @CsvSource(
                delimiter = '|',
                quoteCharacter = '"',
                value = {
                    "a,,b   | empty name",
                    "a,-    | empty name",
                    "a,     | empty name",
                    "a,b,a  | names 'a' twice",
                    "a,-a   | names 'a' twice",
                    "-a,-a  | names 'a' twice",
                })
        void rejectsMalformedText(String text, String message) {
            assertThatThrownBy(() -> Affinity.parse(text))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(message);
        }

        @Test
        void constructorValidatesAndCopies() {
            List<String> preferred = new ArrayList<>(List.of("a"));
            Set<String> excluded = new HashSet<>(Set.of("b"));
            Affinity a = new Affinity(preferred, excluded);
            preferred.add("c");
            excluded.add("d");
            assertThat(a.preferred()).containsExactly("a");
            assertThat(a.excluded()).containsExactly("b");
            assertThatThrownBy(() -> new Affinity(List.of("a"), Set.of("a")))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("excluded name 'a'");
            assertThatThrownBy(() -> new Affinity(List.of("a", "a"), Set.of()))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("preferred");
            assertThatThrownBy(() -> new Affinity(List.of(" a"), Set.of()))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("preferred");
            assertThatThrownBy(() -> new Affinity(null, Set.of()))
                    .isInstanceOf(NullPointerException.class)
                    .hasMessageContaining("preferred");
            assertThatThrownBy(() -> new Affinity(List.of(), null))
                    .isInstanceOf(NullPointerException.class)
                    .hasMessageContaining("excluded");
        }

        @Test
        void excludesByNameOrHost() {
            Affinity a = Affinity.parse("-db3,-10.0.0.4");
            assertThat(a.excludes("db3", "x")).isTrue();
            assertThat(a.excludes("db4", "10.0.0.4")).isTrue();
            assertThat(a.excludes("db2", "10.0.0.2")).isFalse();
        }
    }

    @Nested
    class ReadPolicies {

        @Test
        void validatesNamingTheField() {
            assertThatThrownBy(() -> new ReadPolicy(-2, Balancer.ROUND_ROBIN, Affinity.NONE, false, 0))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("maxLatencyMillis");
            assertThatThrownBy(() -> new ReadPolicy(-1, null, Affinity.NONE, false, 0))
                    .isInstanceOf(NullPointerException.class)
                    .hasMessageContaining("balancer");
            assertThatThrownBy(() -> new ReadPolicy(-1, Balancer.ROUND_ROBIN, null, false, 0))
                    .isInstanceOf(NullPointerException.class)
                    .hasMessageContaining("affinity");
            assertThatThrownBy(() -> new ReadPolicy(-1, Balancer.ROUND_ROBIN, Affinity.NONE, true, -1))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("consistencyWaitMillis");
            assertThat(new ReadPolicy(0, Balancer.MOST_ADVANCED, Affinity.NONE, true, 0).maxLatencyMillis())
                    .isZero();
        }

        @Test
        void defaultHasNoBoundRoundRobinAndNoConsistency() {
            assertThat(ReadPolicy.DEFAULT).isEqualTo(new ReadPolicy(-1, Balancer.ROUND_ROBIN, Affinity.NONE, false, 0));
        }
    }

    @Nested
    class Reasons {

        @ParameterizedTest
        @EnumSource(Reason.class)
        void eachHasAOneLineDescription(Reason reason) {
            assertThat(reason.description()).isNotBlank().doesNotContain("\n");
        }

        @Test
        void descriptionsAreDistinct() {
            Set<String> seen = new HashSet<>();
            for (Reason r : Reason.values()) {
                assertThat(seen.add(r.description())).as(r.name()).isTrue();
            }
        }
    }
}
