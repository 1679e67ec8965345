package dev.parley.assistant;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.assistant.standin.StandIns;
import dev.parley.support.WsClient;
import io.quarkus.test.common.http.TestHTTPResource;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;
import jakarta.inject.Inject;
import java.net.URI;
import java.time.Duration;
import org.awaitility.Awaitility;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;

/** Shared helpers of the assistant's tests: fresh stand-in scripts and closed circuit breakers before each test. */
abstract class AssistantTestSupport {
    @TestHTTPResource("/")
    URI base;

    @Inject
    AssistantWorker worker;

    @BeforeEach
    void freshProviders() {
        // a turn left running by the previous test would otherwise take this test's scripted answers
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> worker.pending() == 0);
        StandIns.resetAll();
        CircuitBreakerMaintenance.get().resetAll();
    }

    /** The next stored assistant message a client receives. */
    static JsonNode reply(WsClient client) {
        return client.await("message", m -> "assistant".equals(m.path("kind").asText()));
    }

    /** Everything streamed for a turn that this client received so far, in order. */
    static String streamed(WsClient client, String turnId) {
        return client.received("assistant_delta").stream().filter(d -> turnId.equals(d.path("turnId").asText()))
                .map(d -> d.path("text").asText()).collect(Collectors.joining());
    }

    /** Sets a room's model with the slash command and waits for its announcement. */
    static void useModel(WsClient client, String room, String model) {
        client.send("type", "send_message", "room", room, "clientId", "model-" + model, "text", "/model " + model);
        client.await("message", m -> "system".equals(m.path("kind").asText()) && m.path("text").asText().endsWith(model));
    }
}
