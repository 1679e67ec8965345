package dev.parley.bench.scenario;

import dev.parley.bench.client.Events;
import dev.parley.bench.client.Session;
import dev.parley.bench.client.Target;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * A server inside the generator's event loop, for testing the scenarios' accounting: a send is delivered to every
 * member of the room on the next loop turn, then acked; messages whose clientId {@code drop} accepts are lost.
 */
final class InMemoryTarget implements Target {
    private final Vertx vertx;
    private final Predicate<String> drop;
    private final Map<String, List<Events>> rooms = new HashMap<>();

    InMemoryTarget(Vertx vertx, Predicate<String> drop) {
        this.vertx = vertx;
        this.drop = drop;
    }

    @Override
    public String name() {
        return "in-memory";
    }

    @Override
    public void prepareUsers(int count) {
    }

    @Override
    public boolean supportsPing() {
        return false;
    }

    @Override
    public Future<Session> open(int user, Events events) {
        return Future.succeededFuture(new Session() {
            @Override
            public Future<Void> join(String room) {
                rooms.computeIfAbsent(room, r -> new ArrayList<>()).add(events);
                return Future.succeededFuture();
            }

            @Override
            public void send(String room, String clientId, String text) {
                vertx.runOnContext(v -> {
                    if (!drop.test(clientId)) {
                        rooms.get(room).forEach(member -> member.message(room, clientId));
                    }
                    events.ack(room, clientId);
                });
            }

            @Override
            public Future<Void> ping() {
                return Future.failedFuture("no ping");
            }

            @Override
            public Future<Void> close() {
                rooms.values().forEach(members -> members.remove(events));
                return Future.succeededFuture();
            }
        });
    }
}
