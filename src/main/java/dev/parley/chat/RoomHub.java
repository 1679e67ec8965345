package dev.parley.chat;

import dev.parley.cluster.ClusterBus;
import dev.parley.cluster.Topic;
import dev.parley.message.MessageFanout;
import dev.parley.protocol.MessageKind;
import dev.parley.protocol.MessageView;
import dev.parley.protocol.ServerEvent;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Context;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * Live delivery: for each room, the subscriptions of the connections that joined it, grouped by the event loop
 * that owns them. A frame is encoded once and handed to each event loop in one task, which writes it to that
 * loop's members: a fan-out to a hundred members costs a task per loop, not one per member. No lock is shared
 * between rooms and no other room is looked at.
 */
@Singleton
public class RoomHub implements MessageFanout {
    private final ConcurrentHashMap<String, Line> rooms = new ConcurrentHashMap<>();
    private final AtomicInteger joined = new AtomicInteger();
    private final Outbox outbox;
    private final Timer deliveryLatency;

    /** One room's subscriptions by owning event loop; changed only inside {@code rooms.compute} for that room. */
    private static final class Line {
        final ConcurrentHashMap<Thread, Group> groups = new ConcurrentHashMap<>();
        int size;
    }

    /** The subscriptions one event loop owns in one room, and a context to run on that loop. */
    private record Group(Thread loop, Context context, Set<Subscription> members) {
    }

    private final ClusterBus bus;

    private final SendRateLimit sendRate;

    RoomHub(Outbox outbox, ClusterBus bus, SendRateLimit sendRate, MeterRegistry registry) {
        this.outbox = outbox;
        this.bus = bus;
        this.sendRate = sendRate;
        if (bus.enabled()) {
            bus.on(Topic.FRAME, this::fromPeer);
        }
        this.deliveryLatency = Timer.builder("parley.delivery.latency")
                .description("From receiving a message to handing it to its room's members")
                .publishPercentileHistogram().register(registry);
        Gauge.builder("parley.rooms.joined", joined, AtomicInteger::get).description("Room subscriptions of open connections").register(registry);
        Gauge.builder("parley.rooms.active", rooms, ConcurrentHashMap::size).description("Rooms with at least one connection").register(registry);
    }

    /** Starts buffering the room's live frames for this session; see {@link Subscription#activate}. Any thread. */
    Subscription subscribe(String room, ChatSession session) {
        Subscription sub = new Subscription(session, room);
        rooms.compute(room, (r, line) -> {
            Line l = line == null ? new Line() : line;
            l.groups.computeIfAbsent(session.owner(), t -> new Group(t, session.context(), ConcurrentHashMap.newKeySet()))
                    .members().add(sub);
            l.size++;
            return l;
        });
        joined.incrementAndGet();
        return sub;
    }

    /** Stops the subscription's live frames; the room's entry goes when its last subscription does. Any thread. */
    void unsubscribe(Subscription sub) {
        rooms.computeIfPresent(sub.room(), (r, line) -> {
            Group group = line.groups.get(sub.session().owner());
            if (group != null && group.members().remove(sub)) {
                line.size--;
                joined.decrementAndGet();
                if (group.members().isEmpty()) {
                    line.groups.remove(group.loop());
                }
            }
            return line.size == 0 ? null : line;
        });
    }

    @Override
    public void committed(MessageView message, long receivedNanos) {
        Line line = rooms.get(message.room());
        if (line != null) {
            SharedFrame frame = new SharedFrame(outbox.encode(message));
            long seq = message.seq();
            for (Group group : line.groups.values()) {
                group.context().runOnContext(v -> {
                    for (Subscription sub : group.members()) {
                        sub.deliver(seq, frame);
                    }
                });
            }
        }
        deliveryLatency.record(System.nanoTime() - receivedNanos, TimeUnit.NANOSECONDS);
    }

    /** A person's message stored through another node counts against their send rate here too. */
    @Override
    public void storedElsewhere(MessageView message) {
        if (message.kind() == MessageKind.USER) {
            sendRate.charge(message.sender());
        }
    }

    @Override
    public boolean watching(String room) {
        return rooms.containsKey(room);
    }

    /** Sends a frame outside the message sequence (presence, typing, assistant stream) to this node's members of the room that match. */
    public void broadcast(String room, ServerEvent event, Predicate<ChatSession> to) {
        Line line = rooms.get(room);
        if (line != null) {
            send(line, outbox.encode(event), to);
        }
    }

    /**
     * Sends a frame outside the message sequence to the room's members on every node, but to none of
     * {@code exceptUser}'s connections (null: to all).
     */
    public void relay(String room, ServerEvent event, String exceptUser) {
        String frame = outbox.encode(event);
        Line line = rooms.get(room);
        if (line != null) {
            send(line, frame, exceptUser == null ? s -> true : s -> !s.user().equals(exceptUser));
        }
        bus.publish(Topic.FRAME, room + '\n' + (exceptUser == null ? "" : exceptUser) + '\n' + frame);
    }

    /** A frame another node relayed: {@code <room>\n<exceptUser or empty>\n<frame>}. */
    private void fromPeer(String node, String body) {
        int first = body.indexOf('\n');
        int second = body.indexOf('\n', first + 1);
        Line line = rooms.get(body.substring(0, first));
        if (line != null) {
            String except = body.substring(first + 1, second);
            send(line, body.substring(second + 1), except.isEmpty() ? s -> true : s -> !s.user().equals(except));
        }
    }

    private void send(Line line, String text, Predicate<ChatSession> to) {
        SharedFrame frame = new SharedFrame(text);
        for (Group group : line.groups.values()) {
            group.context().runOnContext(v -> {
                for (Subscription sub : group.members()) {
                    if (to.test(sub.session())) {
                        sub.deliver(-1, frame);
                    }
                }
            });
        }
    }

    /** The subscriptions of a room right now, joins still in progress included. */
    List<Subscription> subscriptions(String room) {
        Line line = rooms.get(room);
        if (line == null) {
            return List.of();
        }
        List<Subscription> all = new ArrayList<>();
        for (Group group : line.groups.values()) {
            all.addAll(group.members());
        }
        return all;
    }

    /** The rooms this node has subscriptions in, now. */
    List<String> roomNames() {
        return List.copyOf(rooms.keySet());
    }

    /** Rooms with at least one subscription (for tests and metrics). */
    int activeRooms() {
        return rooms.size();
    }
}
