package dev.parley.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The shared throttle: two limiters standing for two server nodes, each with its own Vert.x and Redis connection, on
 * the same (real, local) Redis ({@code REDIS_URL}, default {@code redis://127.0.0.1:6379}).
 */
class GcraTest {
    private static final String REDIS = System.getenv().getOrDefault("REDIS_URL", "redis://127.0.0.1:6379");
    private Vertx vertxA;
    private Vertx vertxB;
    private Redis redisA;
    private Redis redisB;
    private final String prefix = "parley:test:gcra:" + UUID.randomUUID() + ":";

    @BeforeEach
    void connect() {
        vertxA = Vertx.vertx();
        vertxB = Vertx.vertx();
        redisA = Redis.createClient(vertxA, REDIS);
        redisB = Redis.createClient(vertxB, REDIS);
    }

    @AfterEach
    void disconnect() {
        redisA.close();
        redisB.close();
        vertxA.closeAndAwait();
        vertxB.closeAndAwait();
    }

    private static RedisCall call(Redis redis) {
        return (command, args) -> {
            Request request = Request.cmd(Command.create(command));
            for (String a : args) {
                request.arg(a);
            }
            return redis.sendAndAwait(request);
        };
    }

    private Gcra node(Redis redis, int limit) {
        return new Gcra(call(redis), new RedisGate("test limits", Duration.ofSeconds(2)), prefix, limit, Duration.ofHours(1));
    }

    @Test
    void twoNodesShareOneKeysFailuresThroughRedis() {
        Gcra a = node(redisA, 3);
        Gcra b = node(redisB, 3);
        assertThat(a.acquire("alice|10.0.0.1").allowed()).isTrue();
        assertThat(b.acquire("alice|10.0.0.1").allowed()).isTrue();
        assertThat(a.acquire("alice|10.0.0.1").allowed()).isTrue();
        Gcra.Decision refused = b.acquire("alice|10.0.0.1");
        assertThat(refused.allowed()).isFalse();
        assertThat(refused.retryAfterMs()).isBetween(1L, Duration.ofMinutes(20).toMillis());
        assertThat(b.acquire("alice|10.0.0.2").allowed()).isTrue();
        // a success on one node forgets the failures everywhere
        a.reset("alice|10.0.0.1");
        assertThat(b.acquire("alice|10.0.0.1").allowed()).isTrue();
    }

    @Test
    void aReleasedEventIsHandedBackOnEveryNode() {
        Gcra a = node(redisA, 2);
        Gcra b = node(redisB, 2);
        assertThat(a.acquire("bob").allowed()).isTrue();
        assertThat(a.acquire("bob").allowed()).isTrue();
        assertThat(b.acquire("bob").allowed()).isFalse();
        b.release("bob");
        assertThat(a.acquire("bob").allowed()).isTrue();
        assertThat(b.acquire("bob").allowed()).isFalse();
        // handing back more than was taken gives no credit beyond a full burst
        a.release("bob");
        a.release("bob");
        a.release("bob");
        assertThat(a.acquire("bob").allowed()).isTrue();
        assertThat(a.acquire("bob").allowed()).isTrue();
        assertThat(a.acquire("bob").allowed()).isFalse();
    }

    @Test
    void aKeyOfAnyLengthIsStoredAsAFixedSizeDigest() {
        Gcra a = node(redisA, 5);
        a.acquire("u".repeat(100_000) + "|10.0.0.1");
        a.acquire("short");
        List<String> keys = new ArrayList<>();
        for (Response key : redisA.sendAndAwait(Request.cmd(Command.KEYS).arg(prefix + "*"))) {
            keys.add(key.toString());
        }
        assertThat(keys).hasSize(2).allSatisfy(k -> assertThat(k).hasSize(prefix.length() + 22));
    }

    @Test
    void withoutRedisEachNodeThrottlesInProcessWithTheSameRules() {
        RedisCall dead = (command, args) -> {
            throw new IllegalStateException("connection refused");
        };
        RedisGate gate = new RedisGate("test limits", Duration.ofSeconds(2));
        Gcra node = new Gcra(dead, gate, prefix, 2, Duration.ofHours(1));
        assertThat(node.acquire("carol").allowed()).isTrue();
        assertThat(gate.degraded()).isTrue();
        assertThat(node.acquire("carol").allowed()).isTrue();
        assertThat(node.acquire("carol").allowed()).isFalse();
        node.release("carol");
        assertThat(node.acquire("carol").allowed()).isTrue();
        assertThat(node.acquire("carol").allowed()).isFalse();
        node.reset("carol");
        assertThat(node.acquire("carol").allowed()).isTrue();
    }

    @Test
    void aLimitOfZeroIsOff() {
        Gcra off = node(redisA, 0);
        for (int i = 0; i < 100; i++) {
            assertThat(off.acquire("dave").allowed()).isTrue();
        }
    }

    @Test
    void anAllowedEventBringsTheValueReadWithItAndARefusedOneNothing() {
        String cached = prefix + "cached";
        redisA.sendAndAwait(Request.cmd(Command.SET).arg(cached).arg("the answer").arg("PX").arg("60000"));
        Gcra a = node(redisA, 2);
        Gcra b = node(redisB, 2);
        Gcra.Read first = a.acquireAndRead("erin", cached, () -> "not from Redis");
        assertThat(first.decision().allowed()).isTrue();
        assertThat(first.value()).isEqualTo("the answer");
        Gcra.Read absent = b.acquireAndRead("erin", prefix + "absent", () -> "not from Redis");
        assertThat(absent.decision().allowed()).isTrue();
        assertThat(absent.value()).isNull();
        // the two reads counted against the shared limit like acquire()
        Gcra.Read refused = a.acquireAndRead("erin", cached, () -> "not from Redis");
        assertThat(refused.decision().allowed()).isFalse();
        assertThat(refused.decision().retryAfterMs()).isPositive();
        assertThat(refused.value()).isNull();
        assertThat(b.acquire("erin").allowed()).isFalse();
    }

    @Test
    void withoutRedisTheValueComesFromInProcessAndOnlyForAnAllowedEvent() {
        RedisCall dead = (command, args) -> {
            throw new IllegalStateException("connection refused");
        };
        Gcra node = new Gcra(dead, new RedisGate("test limits", Duration.ofSeconds(2)), prefix, 1, Duration.ofHours(1));
        List<String> asked = new ArrayList<>();
        Gcra.Read allowed = node.acquireAndRead("frank", prefix + "cached", () -> {
            asked.add("local");
            return "kept in process";
        });
        assertThat(allowed.decision().allowed()).isTrue();
        assertThat(allowed.value()).isEqualTo("kept in process");
        Gcra.Read refused = node.acquireAndRead("frank", prefix + "cached", () -> {
            asked.add("local");
            return "kept in process";
        });
        assertThat(refused.decision().allowed()).isFalse();
        assertThat(refused.value()).isNull();
        assertThat(asked).hasSize(1);
    }

    @Test
    void withTheLimitOffOnlyTheValueIsRead() {
        String cached = prefix + "cached";
        redisA.sendAndAwait(Request.cmd(Command.SET).arg(cached).arg("the answer").arg("PX").arg("60000"));
        Gcra off = node(redisA, 0);
        for (int i = 0; i < 5; i++) {
            Gcra.Read read = off.acquireAndRead("gina", cached, () -> "not from Redis");
            assertThat(read.decision().allowed()).isTrue();
            assertThat(read.value()).isEqualTo("the answer");
        }
    }
}
