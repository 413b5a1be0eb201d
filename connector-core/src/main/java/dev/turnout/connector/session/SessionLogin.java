package dev.turnout.connector.session;

import dev.turnout.routing.policy.Qos;
import dev.turnout.routing.policy.ReadPolicy;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * An authenticated client login, as the session needs it: who the client is, how the connector
 * logs the same session in to every backend, and how the session's statements are routed.
 *
 * @param user            the user the client logged in as
 * @param backendUser     the user the connector logs in to the backends as
 * @param backendPassword that user's password (UTF-8), its stage 1 SHA1, or nothing ({@code credential})
 * @param credential      what {@code backendPassword} is
 * @param database        the database the client asked for, or null
 * @param characterSet    the client's character set id
 * @param attributes      the client's connection attributes
 * @param qos             the session's quality of service (a comment hint overrides it per statement)
 * @param readPolicy      which replicas qualify for the session's reads, and how one is chosen
 */
public record SessionLogin(
        String user,
        String backendUser,
        byte[] backendPassword,
        Credential credential,
        @Nullable String database,
        int characterSet,
        Map<String, String> attributes,
        Qos qos,
        ReadPolicy readPolicy) {

    /** How the connector logs a session's user in to a backend. */
    public enum Credential {
        /** With the password of {@code application-user} or of a user map entry. */
        PASSWORD,
        /**
         * With the stage 1 SHA1(pw) of a primary's native account, recovered from the client's
         * scramble: backends that ask for another plugin than mysql_native_password refuse it.
         */
        STAGE1,
        /**
         * With nothing: the primary authenticates the client itself, through the connector, for an
         * account whose plugin the connector cannot verify (ed25519, PAM, …). Such a session has its
         * primary connection only, and ends when that connection would have to be opened again.
         */
        RELAYED
    }

    /** The backend's password stands for a primary's own account (a refusal is answered as a wrong password). */
    public boolean serverAccount() {
        return credential != Credential.PASSWORD;
    }

    /** The session keeps the one connection the primary authenticated. */
    public boolean relayed() {
        return credential == Credential.RELAYED;
    }

    @Override
    public String toString() {
        return "SessionLogin[user=" + user + ", backendUser=" + backendUser + ", database=" + database + ", qos=" + qos
                + "]";
    }
}
