package dev.turnout.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;

class DemoCommandTest {

    @Test
    void theDemosConfigurationWithItsPasswordsIsReadableByItsOwnerOnly() throws Exception {
        Path ini = DemoCommand.writeConfiguration("rest-api-admin-password=admin-secret\n");
        try {
            assertThat(Files.readString(ini)).isEqualTo("rest-api-admin-password=admin-secret\n");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(ini)))
                    .isEqualTo("rw-------");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(ini.getParent())))
                    .isEqualTo("rwx------");
        } finally {
            Files.deleteIfExists(ini);
            Files.deleteIfExists(ini.getParent());
        }
    }
}
