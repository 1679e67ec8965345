package dev.parley.cluster;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;

/**
 * The traffic between nodes (SPEC §5): one Redis pub/sub channel that every node of a cluster publishes to and
 * subscribes to. A bus message is {@code <node>\n<topic>\n<body>}; a node skips its own. Pub/sub keeps nothing: what
 * a node misses while its connection is cut is not replayed by Redis, so every part that mirrors other nodes says
 * how it catches up ({@link ClusterListener}): messages from the database, state by asking the others to publish
 * theirs again. The bus also tracks which nodes are alive (a heartbeat every {@code heartbeat}, gone after
 * {@code nodeTimeout} of silence, at once on a goodbye).
 *
 * <p>Owner: the bus's own event-loop context holds both Redis connections and the table of nodes; {@link #publish}
 * from any thread hands the message to it, so one thread's messages keep their order on the channel.
 */
@Singleton
public class ClusterBus {
    private static final Logger LOG = Logger.getLogger(ClusterBus.class);
    private static final long RECONNECT_MS = 500;

    private final ClusterConfig config;
    private final Vertx vertx;
    private final boolean enabled;
    private final String node;
    private final Map<Topic, BiConsumer<String, String>> handlers = new EnumMap<>(Topic.class);
    private final List<ClusterListener> listeners = new ArrayList<>();
    private final Counter publishFailures;
    private final Counter received;

    // owned by the context
    private Context context;
    private Redis client;
    private RedisConnection publisher;
    private RedisConnection subscriber;
    private boolean subscribed;
    /** A failed attempt to subscribe was logged since the last subscription: the next ones are not. */
    private boolean subscribeFailureLogged;
    private boolean publishLost;
    private boolean connectingPublisher;
    private boolean stopped;
    private final Map<String, Long> peers = new java.util.concurrent.ConcurrentHashMap<>();

    ClusterBus(ClusterConfig config, Vertx vertx, MeterRegistry registry) {
        this.config = config;
        this.vertx = vertx;
        this.enabled = switch (config.bus()) {
            case ON -> true;
            case OFF -> false;
            case AUTO -> "postgresql".equals(ConfigProvider.getConfig()
                    .getOptionalValue("quarkus.datasource.db-kind", String.class).orElse("h2").toLowerCase(Locale.ROOT));
        };
        this.node = config.nodeId().orElseGet(ClusterBus::defaultNodeId);
        this.publishFailures = Counter.builder("parley.cluster.publish.failures")
                .description("Bus messages that could not be published (the others catch up from the database)").register(registry);
        this.received = Counter.builder("parley.cluster.received").description("Bus messages received from other nodes").register(registry);
    }

    private static String defaultNodeId() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            host = "node";
        }
        return host.replaceAll("[^A-Za-z0-9._-]", "") + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** True when this node talks to others (see {@link ClusterConfig#bus()}); when false every call here does nothing. */
    public boolean enabled() {
        return enabled;
    }

    /** This node's name on the bus. */
    public String node() {
        return node;
    }

    /** True while this node hears the others (its subscription is up); false when alone or cut off. */
    public boolean connected() {
        return enabled && subscribed;
    }

    /** Sets the one handler of a topic, called on the bus's event loop with the sending node and the body. Before start. */
    public synchronized void on(Topic topic, BiConsumer<String, String> handler) {
        if (handlers.putIfAbsent(topic, handler) != null) {
            throw new IllegalStateException("a second handler for " + topic);
        }
    }

    public synchronized void listen(ClusterListener listener) {
        listeners.add(listener);
    }

    /** Sends to every other node, in this thread's order; dropped (and counted) while Redis is unreachable. */
    public void publish(Topic topic, String body) {
        if (!enabled || context == null) {
            return;
        }
        String payload = node + '\n' + topic.code + '\n' + body;
        context.runOnContext(v -> send(payload));
    }

    // ---- on the context ----

    void start(@Observes @Priority(jakarta.interceptor.Interceptor.Priority.APPLICATION + 1000) StartupEvent event) {
        if (!enabled) {
            return;
        }
        String hosts = ConfigProvider.getConfig().getOptionalValue("quarkus.redis.hosts", String.class).orElse("redis://localhost:6379");
        context = vertx.getOrCreateContext();
        context.runOnContext(v -> {
            client = Redis.createClient(vertx, new RedisOptions().setConnectionString(hosts.split(",")[0].trim())
                    .setMaxWaitingHandlers(65_536).setMetricsName("parley-bus").setPoolName("parley-bus"));
            connectPublisher();
            connectSubscriber();
            vertx.setPeriodic(config.heartbeat().toMillis(), id -> {
                if (!stopped) {
                    send(node + '\n' + Topic.NODE.code + "\nbeat");
                }
            });
            vertx.setPeriodic(1000, id -> expirePeers());
        });
        LOG.infof("cluster bus on: node %s, channel %s", node, config.channel());
    }

    void stop(@Observes ShutdownEvent event) {
        if (!enabled || context == null) {
            return;
        }
        CompletableFuture<Void> said = new CompletableFuture<>();
        context.runOnContext(v -> {
            stopped = true;
            if (publisher == null) {
                said.complete(null);
                return;
            }
            publisher.send(Request.cmd(Command.PUBLISH).arg(config.channel()).arg(node + '\n' + Topic.NODE.code + "\nbye"))
                    .onComplete(r -> said.complete(null));
        });
        try {
            said.get(1, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.debug("goodbye not sent", e);
        }
        context.runOnContext(v -> {
            if (subscriber != null) {
                subscriber.close();
            }
            if (publisher != null) {
                publisher.close();
            }
        });
    }

    private void send(String payload) {
        if (publisher == null) {
            publishLost = true;
            publishFailures.increment();
            connectPublisher();
            return;
        }
        publisher.send(Request.cmd(Command.PUBLISH).arg(config.channel()).arg(payload)).onFailure(e -> {
            publishLost = true;
            publishFailures.increment();
        });
    }

    private void connectPublisher() {
        if (connectingPublisher || stopped) {
            return;
        }
        connectingPublisher = true;
        client.connect().onComplete(ar -> {
            connectingPublisher = false;
            if (ar.failed()) {
                vertx.setTimer(RECONNECT_MS, id -> connectPublisher());
                return;
            }
            RedisConnection conn = ar.result();
            publisher = conn;
            conn.exceptionHandler(e -> dropPublisher(conn, e));
            conn.endHandler(v -> dropPublisher(conn, null));
            if (publishLost) {
                // what this node published meanwhile is lost: the others read it from the database, and get this
                // node's state again
                publishLost = false;
                LOG.info("cluster bus: publishing again; the other nodes catch up from the database");
                send(node + '\n' + Topic.NODE.code + "\nlost");
                each(ClusterListener::stateWanted);
            }
        });
    }

    private void dropPublisher(RedisConnection conn, Throwable cause) {
        if (publisher == conn && !stopped) {
            LOG.warnf(cause, "cluster bus: lost the publishing connection (%s); reconnecting", cause == null ? "closed" : cause.toString());
            publisher = null;
            conn.close(); // a pooled connection is given back by closing it, broken or not
            publishLost = true;
            vertx.setTimer(RECONNECT_MS, id -> connectPublisher());
        }
    }

    private void connectSubscriber() {
        if (stopped) {
            return;
        }
        client.connect().onComplete(ar -> {
            if (ar.failed()) {
                subscribeFailed(ar.cause());
                vertx.setTimer(RECONNECT_MS, id -> connectSubscriber());
                return;
            }
            RedisConnection conn = ar.result();
            subscriber = conn;
            conn.handler(this::received);
            conn.exceptionHandler(e -> dropSubscriber(conn, e));
            conn.endHandler(v -> dropSubscriber(conn, null));
            conn.send(Request.cmd(Command.SUBSCRIBE).arg(config.channel())).onComplete(sub -> {
                if (sub.failed()) {
                    subscribeFailed(sub.cause());
                    dropSubscriber(conn, sub.cause());
                    return;
                }
                subscribed = true;
                subscribeFailureLogged = false;
                long now = System.nanoTime();
                peers.replaceAll((peer, seen) -> now); // they answer the hello below; silence from now on counts
                LOG.infof("cluster bus: node %s listening on %s", node, config.channel());
                // whatever was said while this node was not listening is lost: catch up, then say who we are
                each(ClusterListener::missedTraffic);
                each(ClusterListener::stateWanted);
                send(node + '\n' + Topic.NODE.code + "\nhello");
            });
        });
    }

    /** The first failed attempt to subscribe is logged with its cause; the retries every half second are not. */
    private void subscribeFailed(Throwable cause) {
        if (!subscribeFailureLogged && !stopped) {
            subscribeFailureLogged = true;
            LOG.warnf("cluster bus: cannot subscribe to %s (%s); trying again every %d ms", config.channel(), cause, RECONNECT_MS);
        }
    }

    private void dropSubscriber(RedisConnection conn, Throwable cause) {
        if (subscriber == conn && !stopped) {
            subscriber = null;
            conn.close(); // a pooled connection is given back by closing it, broken or not
            if (subscribed) {
                LOG.warnf(cause, "cluster bus: lost the subscription (%s); serving this node's clients alone until Redis is back",
                        cause == null ? "closed" : cause.toString());
            }
            subscribed = false;
            vertx.setTimer(RECONNECT_MS, id -> connectSubscriber());
        }
    }

    private void received(Response response) {
        // RESP2: an array ["message", channel, payload]; RESP3: a push of the same
        if (response.size() != 3 || !"message".equals(response.get(0).toString())) {
            return;
        }
        String payload = response.get(2).toString();
        int first = payload.indexOf('\n');
        if (first <= 0 || payload.length() < first + 3 || payload.charAt(first + 2) != '\n') {
            LOG.warnf("cluster bus: a message that is not ours on %s, ignored", config.channel());
            return;
        }
        String from = payload.substring(0, first);
        if (from.equals(node)) {
            return;
        }
        Topic topic = Topic.of(payload.charAt(first + 1));
        String body = payload.substring(first + 3);
        received.increment();
        boolean known = peers.put(from, System.nanoTime()) != null;
        if (topic == Topic.NODE) {
            node(from, body, known);
            return;
        }
        if (!known) {
            // a node this one had not heard of (or had taken for dead): ask every node for its state again
            send(node + '\n' + Topic.NODE.code + "\nhello");
        }
        BiConsumer<String, String> handler = topic == null ? null : handlers.get(topic);
        if (handler == null) {
            return;
        }
        try {
            handler.accept(from, body);
        } catch (RuntimeException e) {
            // a peer's message this node cannot apply: nobody to answer; the peer's state is asked for again
            LOG.errorf(e, "cluster bus: %s message from %s could not be applied", topic, from);
        }
    }

    private void node(String from, String what, boolean known) {
        switch (what) {
            case "hello" -> each(ClusterListener::stateWanted);
            case "lost" -> each(ClusterListener::missedTraffic);
            case "bye" -> {
                peers.remove(from);
                each(l -> l.nodeGone(from));
            }
            default -> {
                if (!known) {
                    send(node + '\n' + Topic.NODE.code + "\nhello");
                }
            }
        }
    }

    private void expirePeers() {
        if (!subscribed) {
            return; // cut off from Redis this node cannot tell a dead peer from its own deafness
        }
        long limit = System.nanoTime() - config.nodeTimeout().toNanos();
        List<String> gone = new ArrayList<>();
        peers.forEach((peer, seen) -> {
            if (seen < limit) {
                gone.add(peer);
            }
        });
        for (String peer : gone) {
            peers.remove(peer);
            LOG.warnf("cluster bus: node %s silent for %s, taken for dead", peer, config.nodeTimeout());
            each(l -> l.nodeGone(peer));
        }
    }

    private void each(java.util.function.Consumer<ClusterListener> call) {
        List<ClusterListener> all;
        synchronized (this) {
            all = List.copyOf(listeners);
        }
        for (ClusterListener l : all) {
            try {
                call.accept(l);
            } catch (RuntimeException e) {
                LOG.error("cluster listener failed", e);
            }
        }
    }

    /** Nodes heard from lately (health, tests). */
    public int peers() {
        return peers.size();
    }
}
