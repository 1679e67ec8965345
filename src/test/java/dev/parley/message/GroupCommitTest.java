package dev.parley.message;

import static dev.parley.support.Api.register;
import static dev.parley.support.Api.unique;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.config.ParleyConfig;
import dev.parley.protocol.ErrorCode;
import dev.parley.protocol.MessageView;
import dev.parley.protocol.ProtocolException;
import dev.parley.room.Room;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManagerFactory;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.hibernate.id.enhanced.PooledLoOptimizer;
import org.hibernate.id.enhanced.SequenceStyleGenerator;
import org.junit.jupiter.api.Test;

/**
 * The group-commit writer's batches: what one bad message in a batch does to the others, repeats of a clientId
 * inside one batch, and message ids shared with Hibernate's inserts (imports).
 *
 * <p>To put messages into one batch for certain, a test holds the row of a room that the same writer serves: the
 * writer waits on it with what it took, and everything sent meanwhile is queued and taken together afterwards.
 */
@QuarkusTest
class GroupCommitTest {
    @Inject
    MessageWriter writer;

    @Inject
    DataSource dataSource;

    @Inject
    ParleyConfig config;

    @Inject
    EntityManagerFactory persistence;

    private record TestRoom(long id, String name) {
    }

    private TestRoom createRoom(String token) {
        String name = unique("g");
        given().auth().oauth2(token).contentType(ContentType.JSON).body(Map.of("name", name)).post("/api/rooms")
                .then().statusCode(201);
        return new TestRoom(QuarkusTransaction.requiringNew().call(() -> Room.findByName(name).orElseThrow().id), name);
    }

    /** Creates rooms until {@code n} of them are written by the same writer (rooms go to writers by id, as in MessageWriter). */
    private List<TestRoom> roomsOfOneWriter(String token, int n) {
        int shards = Math.max(1, config.writer().shards());
        List<List<TestRoom>> byShard = new ArrayList<>();
        for (int i = 0; i < shards; i++) {
            byShard.add(new ArrayList<>());
        }
        while (true) {
            TestRoom room = createRoom(token);
            List<TestRoom> same = byShard.get(Math.floorMod(Long.hashCode(room.id()), shards));
            same.add(room);
            if (same.size() == n) {
                return same;
            }
        }
    }

    /** Locks the room's row until the connection is closed (rolled back). */
    private Connection holdRow(TestRoom room) throws SQLException {
        Connection c = dataSource.getConnection();
        c.setAutoCommit(false);
        try (PreparedStatement s = c.prepareStatement("UPDATE rooms SET last_seq = last_seq WHERE id = ?")) {
            s.setLong(1, room.id());
            assertThat(s.executeUpdate()).isEqualTo(1);
        }
        return c;
    }

    private static void release(Connection held) throws SQLException {
        try (held) {
            held.rollback();
        }
    }

    private static Stored stored(CompletableFuture<Stored> f) throws Exception {
        return f.get(20, TimeUnit.SECONDS);
    }

    private static List<Message> messagesOf(TestRoom room) {
        return QuarkusTransaction.requiringNew().call(() -> Message.<Message>list("roomId = ?1 order by seq", room.id()));
    }

    @Test
    void aBatchWithAMessageForADeletedRoomStoresTheOthersAndRefusesOnlyThatOne() throws Exception {
        String alice = unique("a");
        String token = register(alice);
        List<TestRoom> rooms = roomsOfOneWriter(token, 4);
        TestRoom blocker = rooms.get(0);
        TestRoom first = rooms.get(1);
        TestRoom deleted = rooms.get(2);
        TestRoom last = rooms.get(3);
        given().auth().oauth2(token).delete("/api/rooms/" + deleted.name()).then().statusCode(204);

        Connection held = holdRow(blocker);
        CompletableFuture<Stored> toBlocker = writer.submit(Draft.user(blocker.id(), blocker.name(), alice, "b", "waits"));
        CompletableFuture<Stored> toFirst = writer.submit(Draft.user(first.id(), first.name(), alice, "f", "kept"));
        CompletableFuture<Stored> toDeleted = writer.submit(Draft.user(deleted.id(), deleted.name(), alice, "d", "gone"));
        CompletableFuture<Stored> toLast = writer.submit(Draft.user(last.id(), last.name(), alice, "l", "kept too"));
        release(held);

        assertThat(stored(toBlocker).message().text()).isEqualTo("waits");
        assertThat(stored(toFirst).message().text()).isEqualTo("kept");
        assertThat(stored(toLast).message().text()).isEqualTo("kept too");
        assertThatThrownBy(() -> toDeleted.get(20, TimeUnit.SECONDS)).cause().isInstanceOf(ProtocolException.class)
                .satisfies(e -> assertThat(((ProtocolException) e).code()).isEqualTo(ErrorCode.NOT_FOUND));
        assertThat(messagesOf(first)).extracting(m -> m.text).containsExactly("kept");
        assertThat(messagesOf(last)).extracting(m -> m.text).containsExactly("kept too");
    }

    @Test
    void repeatsOfAClientIdInOneBatchAreStoredOnceAndAnsweredWithTheFirst() throws Exception {
        String alice = unique("a");
        String bob = unique("b");
        String token = register(alice);
        List<TestRoom> rooms = roomsOfOneWriter(token, 2);
        TestRoom blocker = rooms.get(0);
        TestRoom room = rooms.get(1);

        Connection held = holdRow(blocker);
        CompletableFuture<Stored> toBlocker = writer.submit(Draft.user(blocker.id(), blocker.name(), alice, "b", "waits"));
        CompletableFuture<Stored> once = writer.submit(Draft.user(room.id(), room.name(), alice, "c1", "hello"));
        CompletableFuture<Stored> again = writer.submit(Draft.user(room.id(), room.name(), alice, "c1", "hello"));
        CompletableFuture<Stored> otherSender = writer.submit(Draft.user(room.id(), room.name(), bob, "c1", "hi"));
        CompletableFuture<Stored> withoutId = writer.submit(Draft.system(room.id(), room.name(), "system", "notice"));
        release(held);

        stored(toBlocker);
        MessageView first = stored(once).message();
        assertThat(stored(once).duplicate()).isFalse();
        assertThat(stored(again).duplicate()).isTrue();
        assertThat(stored(again).message()).isEqualTo(first);
        assertThat(stored(otherSender).duplicate()).isFalse();
        assertThat(stored(withoutId).duplicate()).isFalse();
        List<Message> messages = messagesOf(room);
        assertThat(messages).extracting(m -> m.seq).containsExactly(1L, 2L, 3L);
        assertThat(messages).extracting(m -> m.sender + "/" + m.text).containsExactly(alice + "/hello", bob + "/hi", "system/notice");
        assertThat(messages.get(0).id).isEqualTo(first.id());
    }

    @Test
    void whatAStoreAnswersIsWhatHistoryReadsBackFromTheRow() throws Exception {
        String alice = unique("a");
        TestRoom room = createRoom(register(alice));
        List<Draft> drafts = List.of(
                Draft.user(room.id(), room.name(), alice, "u1", "plain"),
                Draft.system(room.id(), room.name(), "system", "a notice"),
                Draft.assistant(room.id(), room.name(), "assistant", "an answer",
                        new Draft.Reply("ollama/llama3.2", "t-1", true, false, 12, 5, "[{\"tool\":\"x\"}]")),
                Draft.assistant(room.id(), room.name(), "assistant", "cut short",
                        new Draft.Reply("ollama/llama3.2", "t-2", false, true, 0, 0, null)));
        List<CompletableFuture<Stored>> answers = drafts.stream().map(writer::submit).toList();

        List<MessageView> acked = new ArrayList<>();
        for (CompletableFuture<Stored> answer : answers) {
            acked.add(stored(answer).message());
        }
        List<MessageView> read = messagesOf(room).stream().map(m -> Messages.view(m, room.name())).toList();
        assertThat(read).containsExactlyElementsOf(acked);
        assertThat(messagesOf(room).get(2).meta).isEqualTo("[{\"tool\":\"x\"}]");
    }

    @Test
    void messagesSentAroundAnImportGetIdsOfTheirOwn() throws Exception {
        String alice = unique("a");
        String token = register(alice);
        TestRoom chat = createRoom(token);
        TestRoom imported = createRoom(token);
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ids.add(stored(writer.submit(Draft.user(chat.id(), chat.name(), alice, "before" + i, "before"))).message().id());
        }
        StringBuilder transcript = new StringBuilder();
        for (int i = 0; i < 150; i++) {
            transcript.append("{\"type\":\"message\",\"speaker\":\"").append(alice).append("\",\"kind\":\"user\",\"text\":\"line ")
                    .append(i).append("\"}\n");
        }
        given().auth().oauth2(token).contentType("application/x-ndjson").queryParam("format", "jsonl")
                .body(transcript.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8)).post("/api/rooms/" + imported.name() + "/import").then().statusCode(200);
        for (int i = 0; i < 3; i++) {
            ids.add(stored(writer.submit(Draft.user(chat.id(), chat.name(), alice, "after" + i, "after"))).message().id());
        }

        Set<Long> all = new HashSet<>(ids);
        messagesOf(imported).forEach(m -> all.add(m.id));
        assertThat(all).as("ids of sent and imported messages").hasSize(6 + 150);
        assertThat(messagesOf(chat)).extracting(m -> m.id).containsExactlyElementsOf(ids);
    }

    @Test
    void theWriterAndHibernateReadTheMessageSequenceInTheSameBlocks() throws Exception {
        // MessageTable takes V .. V + ID_BLOCK - 1 for a value V of messages_seq: Hibernate must read it the same way
        var generator = persistence.unwrap(SessionFactoryImplementor.class).getMappingMetamodel()
                .getEntityDescriptor(Message.class).getGenerator();
        assertThat(generator).isInstanceOf(SequenceStyleGenerator.class);
        var optimizer = ((SequenceStyleGenerator) generator).getOptimizer();
        assertThat(optimizer).isInstanceOf(PooledLoOptimizer.class);
        assertThat(optimizer.getIncrementSize()).isEqualTo(Message.ID_BLOCK);
        // and the sequence steps by a whole block
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement(
                        "SELECT increment FROM information_schema.sequences WHERE LOWER(sequence_name) = 'messages_seq'");
                ResultSet rs = s.executeQuery()) {
            assertThat(rs.next()).isTrue();
            assertThat(Long.parseLong(rs.getString(1).trim())).isEqualTo(Message.ID_BLOCK);
        }
    }
}
