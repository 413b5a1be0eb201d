package dev.turnout.connector.config;

import static dev.turnout.connector.config.SettingsParser.effective;
import static dev.turnout.connector.config.SettingsParser.effectiveEntry;
import static dev.turnout.connector.config.SettingsParser.effectiveOrNull;

import dev.turnout.connector.config.SettingsParser.Layer;
import java.nio.file.Path;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The checks of {@link SettingsParser} that span TLS keys: {@code connector-require-tls} needs a
 * certificate to offer, and {@code connector-backend-ssl-ca} needs a mode that checks
 * certificates. Kept apart so that the parser stays one screenful per concern. Stateless.
 */
final class BackendTlsParser {

    private BackendTlsParser() {}

    /** The backend TLS settings in effect; null after recording why a CA file was set to no use. */
    static @Nullable BackendTlsSettings backendTls(Problems problems, Layer defaults, Layer own) {
        BackendSslMode mode =
                (BackendSslMode) effective(Key.CONNECTOR_BACKEND_SSL_MODE, defaults, own, BackendSslMode.PREFERRED);
        Path ca = (Path) effectiveOrNull(Key.CONNECTOR_BACKEND_SSL_CA, defaults, own);
        IniSection.Entry caEntry = effectiveEntry(Key.CONNECTOR_BACKEND_SSL_CA, defaults, own);
        if (ca != null && !mode.verifiesCertificate() && caEntry != null) {
            problems.add(
                    caEntry.line(),
                    caEntry.key(),
                    "set, but connector-backend-ssl-mode=" + mode.keyword()
                            + " checks no certificate (verify-ca and verify-full do)");
            return null;
        }
        return new BackendTlsSettings(mode, Optional.ofNullable(ca));
    }

    /** False after recording that {@code connector-require-tls=true} has no certificate to offer. */
    static boolean requireTlsOffered(Problems problems, Layer defaults, Layer own) {
        IniSection.Entry requireTls = effectiveEntry(Key.CONNECTOR_REQUIRE_TLS, defaults, own);
        if (requireTls == null
                || !Boolean.TRUE.equals(effectiveOrNull(Key.CONNECTOR_REQUIRE_TLS, defaults, own))
                || effectiveEntry(Key.CONNECTOR_SSL_CERTIFICATE, defaults, own) != null) {
            return true;
        }
        problems.add(
                requireTls.line(),
                requireTls.key(),
                "true without connector-ssl-certificate and connector-ssl-key (TLS cannot be required"
                        + " when it is not offered)");
        return false;
    }
}
