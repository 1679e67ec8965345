package dev.parley.room;

import static dev.parley.support.Api.register;
import static dev.parley.support.Api.unique;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;

import dev.parley.auth.Caller;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.hibernate.SessionFactory;
import org.hibernate.stat.Statistics;
import org.junit.jupiter.api.Test;

/** SPEC §3: {@code GET /api/rooms?after=&limit=} pages by name; room text is kept verbatim but NUL is refused. */
@QuarkusTest
class RoomListPagingTest {
    @Inject
    RoomService rooms;

    @Inject
    SessionFactory sessions;

    private static RequestSpecification as(String token) {
        return given().auth().oauth2(token).contentType(ContentType.JSON);
    }

    private static List<String> page(String token, String after, int limit) {
        return as(token).queryParam("after", after).queryParam("limit", limit).get("/api/rooms").then().statusCode(200)
                .extract().jsonPath().getList("name", String.class);
    }

    @Test
    void pagesWalkEveryVisibleRoomByNameExactlyOnce() {
        String prefix = unique("pg").toLowerCase();
        String owner = unique("own");
        String token = register(owner);
        String outsider = register(unique("out"));
        List<String> expected = new ArrayList<>();
        for (String suffix : List.of("-e", "-a", "-d", "-b", "-c")) {
            as(token).body(Map.of("name", prefix + suffix)).post("/api/rooms").then().statusCode(201);
        }
        as(outsider).body(Map.of("name", prefix + "-bb", "private", true)).post("/api/rooms").then().statusCode(201);
        for (String suffix : List.of("-a", "-b", "-c", "-d", "-e")) {
            expected.add(prefix + suffix);
        }

        List<String> seen = new ArrayList<>();
        String after = prefix;
        while (true) {
            List<String> names = page(token, after, 2);
            assertThat(names).hasSizeLessThanOrEqualTo(2);
            List<String> ours = names.stream().filter(n -> n.startsWith(prefix)).toList();
            seen.addAll(ours);
            if (ours.size() < names.size() || names.size() < 2) {
                break;
            }
            after = names.get(names.size() - 1);
        }
        assertThat(seen).containsExactlyElementsOf(expected);
    }

    @Test
    void theDefaultPageIs200AndLimitsOutsideOneTo1000AreRefused() {
        Caller filler = new Caller(unique("fill"), false);
        int visible = rooms.list(filler, null, 1000).size();
        for (int i = visible; i < 201; i++) {
            rooms.create(new RoomService.RoomSpec(unique("fill").toLowerCase(), null, null, null, null, null, null), filler);
        }
        String token = register(unique("u"));
        assertThat(as(token).get("/api/rooms").then().statusCode(200).extract().jsonPath().getList("name")).hasSize(200);
        assertThat(page(token, "", 1000)).hasSizeGreaterThan(200);
        for (String bad : List.of("0", "1001", "-5", "many")) {
            as(token).queryParam("limit", bad).get("/api/rooms").then().statusCode(400).body("code", equalTo("bad_request"));
        }
    }

    @Test
    void listingLoadsNoMembershipsAndShowsMembersOfPrivateRoomsOnly() {
        String owner = unique("own");
        String token = register(owner);
        String member = unique("mem");
        register(member);
        String prefix = unique("ls").toLowerCase();
        as(token).body(Map.of("name", prefix + "-pub")).post("/api/rooms").then().statusCode(201);
        as(token).body(Map.of("name", prefix + "-priv", "private", true, "members", List.of(member)))
                .post("/api/rooms").then().statusCode(201);

        Statistics stats = sessions.getStatistics();
        long before = stats.getEntityStatistics(Membership.class.getName()).getLoadCount()
                + stats.getCollectionStatistics(Room.class.getName() + ".memberships").getLoadCount();
        var list = as(token).queryParam("after", prefix).queryParam("limit", 2).get("/api/rooms").then().statusCode(200);
        long after = stats.getEntityStatistics(Membership.class.getName()).getLoadCount()
                + stats.getCollectionStatistics(Room.class.getName() + ".memberships").getLoadCount();

        assertThat(after - before).as("memberships loaded as entities by the listing").isZero();
        list.body("name", contains(prefix + "-priv", prefix + "-pub"))
                .body("[0].members", contains(owner, member))
                .body("[1].members", equalTo(null));
    }

    @Test
    void aNulInRoomTextIsABadRequestAndOtherCharactersAreKeptVerbatim() {
        String token = register(unique("nul"));
        String room = unique("txt").toLowerCase();
        as(token).body(Map.of("name", room, "description", "bad\u0000text")).post("/api/rooms").then().statusCode(400)
                .body("code", equalTo("bad_request")).body("error", equalTo("description must not contain NUL characters"));
        as(token).body(Map.of("name", room, "tags", List.of("ok", "n\u0000l"))).post("/api/rooms").then().statusCode(400)
                .body("code", equalTo("bad_request"));

        String description = "Right-to-left \u202Eexe.txt, zero\u200Bwidth, and <b>markup</b>";
        as(token).body(Map.of("name", room, "description", description, "tags", List.of("a\u200Bb", "\u2067rtl")))
                .post("/api/rooms").then().statusCode(201);
        as(token).get("/api/rooms/" + room).then().statusCode(200)
                .body("description", equalTo(description)).body("tags", contains("a\u200Bb", "\u2067rtl"));
        as(token).body(Map.of("description", "later\u0000")).patch("/api/rooms/" + room).then().statusCode(400)
                .body("code", equalTo("bad_request"));
        as(token).get("/api/rooms/" + room).then().body("description", equalTo(description));
    }

    @Test
    void aModelIdWithALineBreakOrControlCharacterIsRefusedByPatchAndTheModelStays() {
        String token = register(unique("mdl"));
        String room = unique("mdl").toLowerCase();
        as(token).body(Map.of("name", room, "model", "ollama/llama3.2")).post("/api/rooms").then().statusCode(201);
        for (String bad : List.of("ollama/x\nINFO forged log line", "ollama/x\r", "ollama/\u0007bell", "ollama/x\u202Eevil",
                "ollama/zero\u200Bwidth")) {
            as(token).body(Map.of("model", bad)).patch("/api/rooms/" + room).then().statusCode(400)
                    .body("code", equalTo("bad_request"));
        }
        as(token).get("/api/rooms/" + room).then().statusCode(200).body("model", equalTo("ollama/llama3.2"));
    }
}
