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
 * @param backendPassword that user's password (UTF-8), or with {@code backendStage1} its SHA1
 * @param backendStage1   the password is the stage 1 SHA1(pw) of a native account, recovered from
 *                        the client's scramble (a loaded server account): backends that ask for
 *                        another plugin than mysql_native_password refuse it
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
        boolean backendStage1,
        @Nullable String database,
        int characterSet,
        Map<String, String> attributes,
        Qos qos,
        ReadPolicy readPolicy) {

    @Override
    public String toString() {
        return "SessionLogin[user=" + user + ", backendUser=" + backendUser + ", database=" + database + ", qos=" + qos
                + "]";
    }
}
