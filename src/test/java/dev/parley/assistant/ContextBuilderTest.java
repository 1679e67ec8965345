package dev.parley.assistant;

import static dev.parley.support.Api.register;
import static dev.parley.support.Api.unique;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.assistant.provider.LlmMessage;
import dev.parley.assistant.standin.StandIns;
import dev.parley.message.Draft;
import dev.parley.message.MessageWriter;
import dev.parley.message.Stored;
import dev.parley.room.Room;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The context a turn reads: bounded by its token budget, system notices included, and by a fixed number of rows. */
@QuarkusTest
@QuarkusTestResource(StandIns.class) // the same resources as the other assistant tests: one application for all
class ContextBuilderTest {
    @Inject
    ContextBuilder contexts;

    @Inject
    MessageWriter writer;

    private record TestRoom(long id, String name, String owner) {
    }

    private static TestRoom room() {
        String owner = unique("alice");
        String name = unique("r");
        given().auth().oauth2(register(owner)).contentType(ContentType.JSON).body(Map.of("name", name)).post("/api/rooms")
                .then().statusCode(201);
        long id = QuarkusTransaction.requiringNew().call(() -> Room.findByName(name).orElseThrow().id);
        return new TestRoom(id, name, owner);
    }

    /** Stores the drafts (in one go, as the group-commit writer takes them) and returns the last seq. */
    private long store(List<Draft> drafts) {
        List<CompletableFuture<Stored>> stored = new ArrayList<>();
        drafts.forEach(d -> stored.add(writer.submit(d)));
        return stored.stream().mapToLong(f -> f.join().message().seq()).max().orElseThrow();
    }

    private static String text(LlmMessage m) {
        return m instanceof LlmMessage.User u ? u.text() : m.toString();
    }

    @Test
    void aFloodOfModelNoticesUsesUpTheBudgetInsteadOfBeingSkipped() {
        TestRoom room = room();
        List<Draft> drafts = new ArrayList<>();
        drafts.add(Draft.user(room.id(), room.name(), room.owner(), "old", "an old fact worth keeping"));
        for (int i = 0; i < 300; i++) {
            drafts.add(Draft.system(room.id(), room.name(), "system", room.owner() + " set the assistant's model to ollama/llama3.2"));
        }
        drafts.add(Draft.user(room.id(), room.name(), room.owner(), "q", "what was the old fact?"));
        long question = store(drafts);

        ContextBuilder.Context context = contexts.build(room.id(), 0, question, 2000);

        // 300 notices of ~20 tokens each fill a budget of 2000: the scan ends among them, long before the old fact
        assertThat(context.messages()).hasSize(1);
        assertThat(text(context.messages().get(0))).endsWith("what was the old fact?");
        assertThat(context.tokens()).isLessThanOrEqualTo(2000);
        // the notices are counted, never sent
        assertThat(context.fingerprint()).doesNotContain("set the assistant's model");
    }

    @Test
    void theScanReadsAtMostMaxRowsNewestFirstWhateverTheBudget() {
        TestRoom room = room();
        List<Draft> drafts = new ArrayList<>();
        int total = ContextBuilder.MAX_ROWS + 300;
        for (int i = 1; i <= total; i++) {
            drafts.add(Draft.user(room.id(), room.name(), room.owner(), "m" + i, "line " + i));
        }
        long question = store(drafts);

        ContextBuilder.Context context = contexts.build(room.id(), 0, question, Integer.MAX_VALUE / 2);

        assertThat(context.messages()).hasSize(ContextBuilder.MAX_ROWS);
        assertThat(text(context.messages().get(context.messages().size() - 1))).endsWith(": line " + total);
        assertThat(text(context.messages().get(0))).endsWith(": line " + (total - ContextBuilder.MAX_ROWS + 1));
    }
}
