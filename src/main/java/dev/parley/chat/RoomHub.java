package dev.parley.chat;

import dev.parley.message.MessageFanout;
import dev.parley.protocol.MessageView;
import dev.parley.protocol.ServerEvent;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * Live delivery: for each room, the connections that joined it. A frame is encoded once and handed to each of
 * the room's subscriptions; no lock is shared between rooms and no other room is looked at.
 */
@Singleton
public class RoomHub implements MessageFanout {
    private final ConcurrentHashMap<String, ConcurrentHashMap<String, Subscription>> rooms = new ConcurrentHashMap<>();
    private final AtomicInteger joined = new AtomicInteger();
    private final Outbox outbox;
    private final Timer deliveryLatency;

    RoomHub(Outbox outbox, MeterRegistry registry) {
        this.outbox = outbox;
        this.deliveryLatency = Timer.builder("parley.delivery.latency")
                .description("From receiving a message to handing it to its room's members")
                .publishPercentileHistogram().register(registry);
        Gauge.builder("parley.rooms.joined", joined, AtomicInteger::get).description("Room subscriptions of open connections").register(registry);
        Gauge.builder("parley.rooms.active", rooms, ConcurrentHashMap::size).description("Rooms with at least one connection").register(registry);
    }

    /** Starts buffering the room's live frames for this session; see {@link Subscription#activate}. */
    Subscription subscribe(String room, ChatSession session) {
        Subscription sub = new Subscription(session);
        if (rooms.computeIfAbsent(room, r -> new ConcurrentHashMap<>()).put(session.id(), sub) == null) {
            joined.incrementAndGet();
        }
        return sub;
    }

    boolean unsubscribe(String room, ChatSession session) {
        ConcurrentHashMap<String, Subscription> subs = rooms.get(room);
        if (subs == null || subs.remove(session.id()) == null) {
            return false;
        }
        joined.decrementAndGet();
        rooms.computeIfPresent(room, (r, s) -> s.isEmpty() ? null : s);
        return true;
    }

    @Override
    public void committed(MessageView message, long receivedNanos) {
        ConcurrentHashMap<String, Subscription> subs = rooms.get(message.room());
        if (subs != null) {
            String frame = outbox.encode(message);
            for (Subscription sub : subs.values()) {
                sub.deliver(message.seq(), frame);
            }
        }
        deliveryLatency.record(System.nanoTime() - receivedNanos, TimeUnit.NANOSECONDS);
    }

    /** Sends a frame outside the message sequence (presence, typing, assistant stream) to the room's members that match. */
    public void broadcast(String room, ServerEvent event, Predicate<ChatSession> to) {
        ConcurrentHashMap<String, Subscription> subs = rooms.get(room);
        if (subs == null) {
            return;
        }
        String frame = null;
        for (Subscription sub : subs.values()) {
            if (to.test(sub.session())) {
                if (frame == null) {
                    frame = outbox.encode(event);
                }
                sub.deliver(-1, frame);
            }
        }
    }

    /** The connections subscribed to a room right now. */
    List<ChatSession> sessions(String room) {
        ConcurrentHashMap<String, Subscription> subs = rooms.get(room);
        return subs == null ? List.of() : subs.values().stream().map(Subscription::session).toList();
    }

    /** A deleted room: its members are told they left it. */
    void drop(String room) {
        ConcurrentHashMap<String, Subscription> subs = rooms.remove(room);
        if (subs != null) {
            String frame = outbox.encode(new ServerEvent.Left(room));
            for (Subscription sub : subs.values()) {
                joined.decrementAndGet();
                sub.session().rooms().remove(room);
                sub.deliver(-1, frame);
            }
        }
    }
}
