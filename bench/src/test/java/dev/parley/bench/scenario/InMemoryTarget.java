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
 * member of the room on the next loop turn, then acked; messages whose clientId {@code drop} accepts are lost. A
 * {@link Delay} may hold some deliveries back and {@code twice} have some delivered twice.
 */
final class InMemoryTarget implements Target {
    /** How long member {@code user} waits for message {@code clientId}, in ms (0: the next loop turn). */
    @FunctionalInterface
    interface Delay {
        long millis(int user, String clientId);
    }

    private record Member(int user, Events events) {
    }

    private final Vertx vertx;
    private final Predicate<String> drop;
    private final Delay delay;
    private final Predicate<String> twice;
    private final Map<String, List<Member>> rooms = new HashMap<>();

    InMemoryTarget(Vertx vertx, Predicate<String> drop) {
        this(vertx, drop, (user, id) -> 0, id -> false);
    }

    InMemoryTarget(Vertx vertx, Predicate<String> drop, Delay delay, Predicate<String> twice) {
        this.vertx = vertx;
        this.drop = drop;
        this.delay = delay;
        this.twice = twice;
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
        Member self = new Member(user, events);
        return Future.succeededFuture(new Session() {
            @Override
            public Future<Void> join(String room) {
                rooms.computeIfAbsent(room, r -> new ArrayList<>()).add(self);
                return Future.succeededFuture();
            }

            @Override
            public void send(String room, String clientId, String text) {
                vertx.runOnContext(v -> {
                    if (!drop.test(clientId)) {
                        for (Member member : rooms.get(room)) {
                            long millis = delay.millis(member.user(), clientId);
                            int copies = twice.test(clientId) ? 2 : 1;
                            for (int c = 0; c < copies; c++) {
                                if (millis <= 0) {
                                    member.events().message(room, clientId);
                                } else {
                                    vertx.setTimer(millis, id -> member.events().message(room, clientId));
                                }
                            }
                        }
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
                rooms.values().forEach(members -> members.remove(self));
                return Future.succeededFuture();
            }
        });
    }
}
