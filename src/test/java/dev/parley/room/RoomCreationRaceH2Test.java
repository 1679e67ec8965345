package dev.parley.room;

import static dev.parley.support.Api.register;
import static dev.parley.support.Api.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.support.WsClient;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URI;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;

/**
 * Connections joining a room that does not exist yet all try to create it: one creation wins, the others find the room.
 * When the winning creation is not committed within H2's lock timeout (a storm of joins into new rooms on a busy core:
 * the side-by-side benchmark's idle step once got {@code internal} for a join this way), a waiting join tries again
 * instead of failing. H2 only: PostgreSQL waits for the lock without a timeout (the pom leaves {@code *H2Test} out of
 * its pass).
 */
@QuarkusTest
@DisabledIfSystemProperty(named = "quarkus.datasource.db-kind", matches = "postgresql")
class RoomCreationRaceH2Test {
    @TestHTTPResource("/")
    URI base;

    @Inject
    DataSource dataSource;

    @Test
    void aJoinThatOutwaitsTheLockTimeoutOfAnotherCreationOfTheSameRoomStillJoinsIt() throws Exception {
        String room = unique("r");
        String bob = unique("bob");
        try (Connection creator = dataSource.getConnection(); Connection watcher = dataSource.getConnection();
                WsClient client = WsClient.bearer(base, register(bob))) {
            // another creation of the room, not yet committed (a negative id: Hibernate's ids are positive)
            creator.setAutoCommit(false);
            try (PreparedStatement insert = creator.prepareStatement("INSERT INTO rooms (id, name, is_private, assistant_mode,"
                    + " owner, last_seq, cleared_seq, created_at) VALUES (?, ?, FALSE, 'mention', 'carol', 0, 0, CURRENT_TIMESTAMP)")) {
                insert.setLong(1, -System.nanoTime());
                insert.setString(2, room);
                insert.executeUpdate();
            }

            client.send("type", "join_room", "room", room);
            // bob's creation of the room waits for that row's lock until H2 gives up (2 s), then a second attempt waits
            // for it again: two inserts of the room, one after the other
            Set<List<Object>> waits = new HashSet<>();
            await().atMost(Duration.ofSeconds(20)).until(() -> {
                waits.addAll(insertsOf(watcher, room));
                return waits.size() >= 2;
            });
            creator.commit();

            JsonNode joined = client.await("joined", j -> room.equals(j.path("room").asText()));
            assertThat(joined.path("members").findValuesAsText("user")).contains(bob);
            assertThat(client.received("error")).isEmpty();
        }
    }

    /**
     * The inserts of the room {@code name} running now, as (session, start): while the other creation is not committed,
     * each one waits for its lock. (H2 shows a wait for a row's lock as a running statement, not in {@code BLOCKER_ID}.)
     */
    private static List<List<Object>> insertsOf(Connection watcher, String name) throws SQLException {
        try (PreparedStatement query = watcher.prepareStatement("SELECT SESSION_ID, EXECUTING_STATEMENT_START FROM"
                + " INFORMATION_SCHEMA.SESSIONS WHERE EXECUTING_STATEMENT LIKE 'insert into rooms %' AND POSITION(?, EXECUTING_STATEMENT) > 0")) {
            query.setString(1, "'" + name + "'");
            try (ResultSet rows = query.executeQuery()) {
                List<List<Object>> running = new ArrayList<>();
                while (rows.next()) {
                    running.add(List.of(rows.getInt(1), String.valueOf(rows.getObject(2))));
                }
                return running;
            }
        }
    }
}
