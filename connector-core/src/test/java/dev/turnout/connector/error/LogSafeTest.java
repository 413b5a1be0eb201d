package dev.turnout.connector.error;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class LogSafeTest {

    @Test
    void plainShortTextIsShownAsItIs() {
        assertThat(LogSafe.name("app_user-1@host")).isEqualTo("app_user-1@host");
        assertThat(LogSafe.name("")).isEmpty();
        assertThat(LogSafe.name(null)).isEqualTo("null");
    }

    @Test
    void lineBreaksAndOtherControlCharactersAreEscaped() {
        assertThat(LogSafe.name("a\nb\rc\td")).isEqualTo("a\\nb\\rc\\td");
        assertThat(LogSafe.name("nul\0bell\u0007esc\u001bdel\u007f"))
                .isEqualTo("nul\\u0000bell\\u0007esc\\u001bdel\\u007f");
        assertThat(LogSafe.name("c1\u0085\u009b")).isEqualTo("c1\\u0085\\u009b");
        assertThat(LogSafe.name("ls\u2028ps\u2029")).isEqualTo("ls\\u2028ps\\u2029");
        assertThat(LogSafe.name("rtl\u202eiso\u2066bom\ufeff")).isEqualTo("rtl\\u202eiso\\u2066bom\\ufeff");
    }

    @Test
    void aBackslashIsEscapedSoThatAnEscapeCannotBeForged() {
        assertThat(LogSafe.name("a\\nb")).isEqualTo("a\\\\nb");
    }

    @Test
    void otherUnicodeIsKeptAndSurrogatePairsAreNotSplit() {
        assertThat(LogSafe.name("José 😀")).isEqualTo("José 😀");
        assertThat(LogSafe.text("ab😀", 3)).isEqualTo("ab...[cut, 4 chars]");
        assertThat(LogSafe.name("lone\ud800")).isEqualTo("lone\\ud800");
    }

    @Test
    void longTextIsCutWithAMarkerThatGivesItsLength() {
        String cut = LogSafe.name("x".repeat(70_000));

        assertThat(cut).isEqualTo("x".repeat(64) + "...[cut, 70000 chars]");
    }

    @Test
    void escapesCountTowardsTheBoundAndAreNeverCutInHalf() {
        String cut = LogSafe.text("\n".repeat(10), 5);

        assertThat(cut).isEqualTo("\\n\\n...[cut, 10 chars]");
    }

    @Test
    void aNegativeBoundIsRefused() {
        assertThatThrownBy(() -> LogSafe.text("x", -1)).isInstanceOf(IllegalArgumentException.class);
    }
}
