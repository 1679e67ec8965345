package dev.parley.assistant;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.chat.ChatSession;
import dev.parley.chat.Outbox;
import dev.parley.chat.RoomHub;
import dev.parley.cluster.ClusterBus;
import dev.parley.cluster.ClusterListener;
import dev.parley.cluster.Topic;
import dev.parley.protocol.ErrorCode;
import dev.parley.protocol.ServerEvent;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Assistant turns across nodes (SPEC §5). The turns running here are published on the bus (start with the text so
 * far, each piece, the end) and turns running on other nodes are mirrored here ({@link TurnFrames}), so members of
 * this node see them stream and a member who joins here mid-turn gets the text so far. A {@code cancel_turn} for a
 * mirrored turn is sent to the node running it. A node that left takes its turns with it: they end here with
 * {@code assistant_error}. Assistant errors travel as relayed frames ({@link RoomHub#relay}).
 */
@Singleton
class TurnRelay implements ClusterListener {
    private final ClusterBus bus;
    private final RoomHub hub;
    private final Outbox outbox;
    private final ObjectMapper json;
    private final TurnFrames.Members members;
    /** The turns started on this node and not yet ended, by id. */
    private final ConcurrentHashMap<String, Turn> local = new ConcurrentHashMap<>();
    /** Turns of other nodes, by id. */
    private final ConcurrentHashMap<String, Mirror> mirrors = new ConcurrentHashMap<>();

    /** Another node's turn as this node sees it: who runs it, who asked, its frames here. */
    record Mirror(String node, String asker, TurnFrames frames) {
    }

    /** The start of a turn (or, after a lost stream, its whole text so far) on the bus. */
    record Started(String room, String turnId, long replyTo, String model, Integer queuePosition, String asker, String text) {
    }

    @Inject
    TurnRelay(ClusterBus bus, RoomHub hub, Outbox outbox, ObjectMapper json) {
        this(bus, hub, outbox, json, TurnFrames.Members.of(hub));
        if (bus.enabled()) {
            bus.on(Topic.TURN, this::fromPeer);
            bus.listen(this);
        }
    }

    /** Not listening on the bus, with the members that mirrored turns' frames go to: tests watch them. */
    TurnRelay(ClusterBus bus, RoomHub hub, Outbox outbox, ObjectMapper json, TurnFrames.Members members) {
        this.bus = bus;
        this.hub = hub;
        this.outbox = outbox;
        this.json = json;
        this.members = members;
    }

    // ---- turns of this node ----

    void started(Turn turn, Integer queuePosition) {
        local.put(turn.id, turn);
        publishStart(turn, queuePosition, "");
    }

    void delta(Turn turn, String piece) {
        bus.publish(Topic.TURN, "d" + turn.id + '\n' + piece);
    }

    void ended(Turn turn) {
        local.remove(turn.id);
        bus.publish(Topic.TURN, "e" + turn.id);
    }

    /** A turn started here and not yet ended. */
    Turn live(String turnId) {
        return local.get(turnId);
    }

    /** The node is stopping: every turn of it stops. */
    void cancelAll() {
        local.values().forEach(t -> t.cancellation.cancel());
    }

    private void publishStart(Turn turn, Integer queuePosition, String text) {
        if (!bus.enabled()) {
            return;
        }
        try {
            bus.publish(Topic.TURN, "s" + json.writeValueAsString(new Started(turn.room, turn.id, turn.replyTo, turn.model,
                    queuePosition, turn.asker.username(), text)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode turn " + turn.id, e);
        }
    }

    // ---- turns of other nodes ----

    /** Another node's turn, when one with this id runs in this room. */
    Mirror remote(String turnId) {
        return mirrors.get(turnId);
    }

    /** Asks the node running a mirrored turn to cancel it. */
    void cancel(Mirror turn) {
        bus.publish(Topic.TURN, "c" + turn.frames().id);
    }

    /** A member of this node joined the room: it catches up with the other nodes' open turns there. */
    void joined(ChatSession session, String room) {
        for (Mirror m : mirrors.values()) {
            if (m.frames().room.equals(room)) {
                m.frames().replay(session.id(), e -> session.send(outbox.encode(e)));
            }
        }
    }

    /** A message of another node about its turns (on the bus's event loop). */
    void fromPeer(String node, String body) {
        String rest = body.substring(1);
        switch (body.charAt(0)) {
            case 's' -> {
                Started s = read(rest);
                Mirror fresh = new Mirror(node, s.asker(), new TurnFrames(s.room(), s.turnId(), s.replyTo(), s.model()));
                Mirror known = mirrors.putIfAbsent(s.turnId(), fresh);
                if (known != null) {
                    known.frames().restart(members, s.text());
                } else {
                    // known here before members see the start, so a cancel_turn that answers the start finds the turn
                    // (the bus hands over its messages one at a time, so nothing ends the mirror in between)
                    fresh.frames().start(members, s.queuePosition());
                    if (!s.text().isEmpty()) {
                        fresh.frames().delta(members, s.text(), () -> { });
                    }
                }
            }
            case 'd' -> {
                int cut = rest.indexOf('\n');
                Mirror m = mirrors.get(rest.substring(0, cut));
                if (m != null) {
                    m.frames().delta(members, rest.substring(cut + 1), () -> { });
                }
            }
            case 'e' -> {
                Mirror m = mirrors.remove(rest);
                if (m != null) {
                    m.frames().finish();
                }
            }
            case 'c' -> {
                Turn turn = local.get(rest);
                if (turn != null) {
                    turn.cancellation.cancel();
                }
            }
            default -> throw new IllegalArgumentException("unknown turn message " + body.charAt(0));
        }
    }

    private Started read(String text) {
        try {
            return json.readValue(text, Started.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("a turn start that cannot be read", e);
        }
    }

    /** Another node reconnected or joined: it gets the turns running here, with their text so far. */
    @Override
    public void stateWanted() {
        for (Turn turn : local.values()) {
            turn.frames.withText(text -> publishStart(turn, null, text));
        }
    }

    /** The node is gone and its turns with it: their members here hear that the turn ended without a reply. */
    @Override
    public void nodeGone(String node) {
        mirrors.values().removeIf(m -> {
            if (!m.node().equals(node)) {
                return false;
            }
            if (m.frames().finish()) {
                hub.broadcast(m.frames().room, new ServerEvent.AssistantError(m.frames().room, m.frames().id, ErrorCode.INTERNAL,
                        "the server running this turn stopped; ask again"), s -> true);
            }
            return true;
        });
    }
}
