package dev.parley.durability;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.support.WsClient;
import io.restassured.path.json.JsonPath;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** What a server has stored, read back through the history REST API, for tests that check durability. */
public final class StoredHistory {
    private StoredHistory() {
    }

    /**
     * Every stored message of the rooms (each written by one sender) by clientId, paging through the whole history;
     * asserts that seqs are contiguous from 1 and that no clientId is stored twice.
     */
    public static Map<String, JsonNode> byClientId(String base, String token, List<String> rooms) {
        Map<String, JsonNode> byClientId = new HashMap<>();
        for (String room : rooms) {
            long after = 0;
            Set<String> seen = new HashSet<>();
            while (true) {
                JsonPath page = given().baseUri(base).auth().oauth2(token)
                        .queryParams(Map.of("after", after, "limit", 200))
                        .get("/api/rooms/" + room + "/messages").then().statusCode(200).extract().jsonPath();
                List<Map<String, Object>> messages = page.getList("messages");
                for (Map<String, Object> raw : messages) {
                    JsonNode m = WsClient.JSON.valueToTree(raw);
                    assertThat(m.path("seq").asLong()).as("contiguous seq in %s", room).isEqualTo(after + 1);
                    after = m.path("seq").asLong();
                    String clientId = m.path("clientId").asText();
                    assertThat(seen.add(clientId)).as("%s stored once", clientId).isTrue();
                    byClientId.put(clientId, m);
                }
                if (!page.getBoolean("hasMore")) {
                    break;
                }
            }
        }
        return byClientId;
    }
}
