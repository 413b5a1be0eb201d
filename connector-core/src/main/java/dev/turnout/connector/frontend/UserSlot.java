package dev.turnout.connector.frontend;

import dev.turnout.connector.session.ConnectionCounts;
import org.jspecify.annotations.Nullable;

/**
 * A session's place among the sessions of its user, for {@code connector-max-user-connections}:
 * taken at a verified login, moved to the new user by a {@code COM_CHANGE_USER}, given back when
 * the client goes away. Confined to the session's event loop.
 */
final class UserSlot {

    private final ConnectionCounts counts;
    private @Nullable String user;

    UserSlot(ConnectionCounts counts) {
        this.counts = counts;
    }

    /** Counts the session as one of {@code user}'s, in place of its previous user; false when that user has as many as allowed. */
    boolean take(String user) {
        if (user.equals(this.user)) {
            return true;
        }
        if (!counts.loggedIn(user)) {
            return false;
        }
        release();
        this.user = user;
        return true;
    }

    /** The session no longer counts for its user. */
    void release() {
        if (user != null) {
            counts.loggedOut(user);
            user = null;
        }
    }
}
