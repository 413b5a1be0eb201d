package dev.turnout.routing.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class GtidPositionTest {

    static final String A = "3e11fa47-71ca-11e1-9e33-c80aa9429562";
    static final String B = "8a94f357-aab4-11df-86ab-c80aa9429562";

    static GtidPosition p(String text) {
        return GtidPosition.parse(text);
    }

    @Nested
    class Parsing {

        @Test
        void nullAndBlankAreEmpty() {
            assertThat(GtidPosition.parse(null)).isSameAs(GtidPosition.EMPTY);
            assertThat(p("")).isSameAs(GtidPosition.EMPTY);
            assertThat(p("  \n")).isSameAs(GtidPosition.EMPTY);
            assertThat(GtidPosition.EMPTY.isEmpty()).isTrue();
            assertThat(GtidPosition.EMPTY.isMariaDb()).isFalse();
            assertThat(GtidPosition.EMPTY.isMySql()).isFalse();
            assertThat(GtidPosition.EMPTY).hasToString("");
            assertThat(GtidPosition.EMPTY.transactionCount()).isZero();
        }

        @Test
        void mariaDbFormIsSortedByDomain() {
            GtidPosition pos = p("1-2-7, 0-1-100");
            assertThat(pos.isMariaDb()).isTrue();
            assertThat(pos.isMySql()).isFalse();
            assertThat(pos.isEmpty()).isFalse();
            assertThat(pos).hasToString("0-1-100,1-2-7");
            assertThat(pos.transactionCount()).isEqualTo(107);
        }

        @Test
        void mariaDbDomainNamedTwiceKeepsTheHighestSequence() {
            assertThat(p("0-1-100,0-2-120,0-3-90")).hasToString("0-2-120");
        }

        @Test
        void mySqlFormMergesOverlappingAndAdjacentIntervals() {
            GtidPosition pos = p(B + ":1-5:6-8:3-4:10," + A + ":1-100");
            assertThat(pos.isMySql()).isTrue();
            assertThat(pos).hasToString(A + ":1-100," + B + ":1-8:10");
            assertThat(pos.transactionCount()).isEqualTo(100 + 8 + 1);
        }

        @Test
        void mySqlFormIsLowerCasedAndToleratesNewlinesAfterCommas() {
            assertThat(p(A.toUpperCase() + ":1-3,\n" + B + ":7")).isEqualTo(p(A + ":1-3," + B + ":7"));
        }

        @Test
        void mySqlSourceNamedTwiceIsUnited() {
            assertThat(p(A + ":1-3," + A + ":5-9")).hasToString(A + ":1-3:5-9");
        }

        @Test
        void mySqlTaggedGtidsAreSourcesOfTheirOwn() {
            GtidPosition pos = p(A + ":TagB:4:tag_a:1-2," + A + ":1-5");
            assertThat(pos).hasToString(A + ":1-5:tag_a:1-2:tagb:4");
            assertThat(pos.contains(p(A + ":tag_a:2"))).isTrue();
            assertThat(pos.contains(p(A + ":tag_a:3"))).isFalse();
            assertThat(pos.contains(p(A + ":tagb:4"))).isTrue();
            assertThat(pos).isEqualTo(p(pos.toString()));
        }

        @Test
        void canonicalTextParsesBackToAnEqualPosition() {
            for (String text : new String[] {"0-1-100,1-2-7", A + ":1-100:105-110," + B + ":1-5"}) {
                GtidPosition pos = p(text);
                assertThat(p(pos.toString())).isEqualTo(pos).hasSameHashCodeAs(pos);
            }
        }

        @ParameterizedTest
        @CsvSource(
                delimiter = '|',
                quoteCharacter = '"',
                value = {
                    "0-1                 | '0-1' is not domain-server-seq",
                    "0-1-2-3             | '0-1-2-3' is not domain-server-seq",
                    "0-x-2               | invalid server id 'x'",
                    "a-1-2               | invalid domain 'a'",
                    "0-1-               | invalid sequence number ''",
                    "4294967296-1-2      | domain out of range",
                    "0-1-99999999999999999999 | invalid sequence number",
                    "0-1-2,,1-1-1        | has an empty element",
                    "0-1-2,3e11fa47-71ca-11e1-9e33-c80aa9429562:1 | mixes the MariaDB form",
                    "not-a-uuid:1-5      | does not start with a source UUID",
                    "3e11fa47-71ca-11e1-9e33-c80aa9429562 | is not domain-server-seq",
                    "3e11fa47-71ca-11e1-9e33-c80aa9429562: | has an empty interval",
                    "3e11fa47-71ca-11e1-9e33-c80aa9429562:1::2 | has an empty interval",
                    "3e11fa47-71ca-11e1-9e33-c80aa9429562:tag | ends without a transaction interval",
                    "3e11fa47-71ca-11e1-9e33-c80aa9429562:a:b:1 | invalid interval or tag 'b'",
                    "3e11fa47-71ca-11e1-9e33-c80aa9429562:5-3 | invalid interval '5-3'",
                    "3e11fa47-71ca-11e1-9e33-c80aa9429562:0-3 | invalid interval '0-3'",
                    "3e11fa47-71ca-11e1-9e33-c80aa9429562:1-x | invalid interval end 'x'",
                    "3e11fa47-71ca-11e1-9e33-c80aa9429562:1- | invalid interval end ''",
                    "3e11fa47-71ca-11e1-9e33-c80aa9429562:-4 | invalid interval or tag '-4'",
                    "3e11fa47-71ca-11e1-9e33-c80aa9429562:1:tag | ends without a transaction interval",
                    "3e11fa47-71ca-11e1-9e33-c80aa9429562:1:t-g:2 | invalid interval or tag 't-g'",
                    "3e11fa47-71ca-11e1-9e33-c80aa9429562:9223372036854775807 | transaction number out of range",
                })
        void rejectsMalformedTextNamingTheBadPart(String text, String message) {
            assertThatThrownBy(() -> GtidPosition.parse(text))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(message);
        }
    }

    @Nested
    class MariaDbContains {

        @ParameterizedTest
        @CsvSource(
                delimiter = '|',
                value = {
                    "0-1-100       | 0-1-100      | true",
                    "0-1-100       | 0-1-99       | true",
                    "0-1-100       | 0-1-101      | false",
                    "0-1-100       | 0-2-50       | true", // server id ignored
                    "0-1-100       | 0-2-150      | false",
                    "0-1-100,1-2-7 | 1-9-7        | true",
                    "0-1-100,1-2-7 | 0-1-10,1-2-8 | false",
                    "0-1-100       | 1-1-1        | false", // domain we have not seen
                    "0-1-100,2-1-5 | 1-1-1        | false",
                    "0-1-100,2-1-5 | 0-1-1,2-1-5  | true",
                })
        void perDomainSequenceComparison(String ours, String theirs, boolean expected) {
            assertThat(p(ours).contains(p(theirs))).isEqualTo(expected);
        }
    }

    @Nested
    class MySqlContains {

        @ParameterizedTest
        @CsvSource(
                delimiter = '|',
                value = {
                    "A:1-100          | A:1-100         | true",
                    "A:1-100          | A:5-20:30       | true",
                    "A:1-100          | A:5-101         | false",
                    "A:1-100:105-110  | A:100-105       | false", // the gap 101-104
                    "A:1-100:105-110  | A:105-110:1     | true",
                    "A:1-100:105-110  | A:103           | false",
                    "A:1-100,B:1-5    | B:2-3           | true",
                    "A:1-100          | B:1             | false", // a source we lack
                    "A:1-100,B:1-5    | A:1,B:6         | false",
                    "A:1-10:20-30     | A:5-10:20-25    | true",
                    "A:1-10:20-30     | A:5-10:11       | false",
                })
        void intervalSetInclusion(String ours, String theirs, boolean expected) {
            assertThat(p(uuids(ours)).contains(p(uuids(theirs)))).isEqualTo(expected);
        }

        private String uuids(String text) {
            return text.replace("A:", A + ":").replace("B:", B + ":");
        }
    }

    @Nested
    class AcrossFlavours {

        @Test
        void everythingContainsEmpty() {
            assertThat(p("0-1-5").contains(GtidPosition.EMPTY)).isTrue();
            assertThat(p(A + ":1-5").contains(GtidPosition.EMPTY)).isTrue();
            assertThat(GtidPosition.EMPTY.contains(GtidPosition.EMPTY)).isTrue();
        }

        @Test
        void emptyContainsNothingElse() {
            assertThat(GtidPosition.EMPTY.contains(p("0-1-5"))).isFalse();
            assertThat(GtidPosition.EMPTY.contains(p(A + ":1"))).isFalse();
        }

        @Test
        void mixingFlavoursNeverContains() {
            assertThat(p("0-1-5").contains(p(A + ":1"))).isFalse();
            assertThat(p(A + ":1-100").contains(p("0-1-1"))).isFalse();
        }

        @Test
        void mixingFlavoursCannotMerge() {
            assertThatThrownBy(() -> p("0-1-5").merge(p(A + ":1")))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("different forms");
        }
    }

    @Nested
    class Merge {

        @Test
        void mariaDbKeepsPerDomainMaximumWithItsServer() {
            assertThat(p("0-1-100,1-2-7").merge(p("0-3-120,2-4-1"))).hasToString("0-3-120,1-2-7,2-4-1");
            assertThat(p("0-1-100").merge(p("0-3-100"))).hasToString("0-1-100");
        }

        @Test
        void mySqlUnitesIntervals() {
            GtidPosition merged = p(A + ":1-5:20-30").merge(p(A + ":6-10," + B + ":1"));
            assertThat(merged).hasToString(A + ":1-10:20-30," + B + ":1");
            assertThat(merged.contains(p(A + ":1-10"))).isTrue();
        }

        @Test
        void emptyIsTheIdentity() {
            GtidPosition pos = p("0-1-5");
            assertThat(pos.merge(GtidPosition.EMPTY)).isSameAs(pos);
            assertThat(GtidPosition.EMPTY.merge(pos)).isSameAs(pos);
        }

        @Test
        void mergeContainsBothSides() {
            GtidPosition a = p(A + ":1-3:9");
            GtidPosition b = p(A + ":4-5," + B + ":2");
            GtidPosition m = a.merge(b);
            assertThat(m.contains(a)).isTrue();
            assertThat(m.contains(b)).isTrue();
            assertThat(b.merge(a)).isEqualTo(m);
        }
    }

    @Nested
    class AheadOf {

        @Test
        void aSupersetIsAhead() {
            assertThat(p("0-1-101").isAheadOf(p("0-1-100"))).isTrue();
            assertThat(p("0-1-100").isAheadOf(p("0-1-101"))).isFalse();
            assertThat(p(A + ":1-10").isAheadOf(p(A + ":1-9"))).isTrue();
        }

        @Test
        void equalPositionsAreNotAheadOfEachOther() {
            assertThat(p("0-1-100").isAheadOf(p("0-2-100"))).isFalse();
            assertThat(p("0-2-100").isAheadOf(p("0-1-100"))).isFalse();
        }

        @Test
        void incomparablePositionsCompareTransactionCounts() {
            GtidPosition more = p("0-1-100,1-1-5"); // 105
            GtidPosition fewer = p("0-1-90,1-1-10"); // 100
            assertThat(more.contains(fewer)).isFalse();
            assertThat(fewer.contains(more)).isFalse();
            assertThat(more.isAheadOf(fewer)).isTrue();
            assertThat(fewer.isAheadOf(more)).isFalse();
        }

        @Test
        void incomparableMySqlGapsCompareTransactionCounts() {
            assertThat(p(A + ":1-10:12-20").isAheadOf(p(A + ":1-11"))).isTrue();
            assertThat(p(A + ":1-11").isAheadOf(p(A + ":1-10:12-20"))).isFalse();
        }

        @Test
        void anythingIsAheadOfEmpty() {
            assertThat(p("0-1-1").isAheadOf(GtidPosition.EMPTY)).isTrue();
            assertThat(GtidPosition.EMPTY.isAheadOf(p("0-1-1"))).isFalse();
            assertThat(GtidPosition.EMPTY.isAheadOf(GtidPosition.EMPTY)).isFalse();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"0-1-5", "0-2-5", "0-1-6"})
    void equalityIsCanonicalText(String other) {
        GtidPosition pos = p("0-1-5");
        assertThat(pos.equals(p(other))).isEqualTo(other.equals("0-1-5"));
        assertThat(pos).isNotEqualTo("0-1-5");
    }
}
