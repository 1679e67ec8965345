package dev.parley.assistant.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.assistant.RedisGate;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The per-user limit is shared by every node: two limiters standing for two server nodes, each with its own
 * Vert.x instance and Redis connection, against the same (real, local) Redis.
 */
class TwoNodeRateLimitTest {
    private Vertx vertxA;
    private Vertx vertxB;
    private Redis redisA;
    private Redis redisB;

    @BeforeEach
    void connect() {
        vertxA = Vertx.vertx();
        vertxB = Vertx.vertx();
        redisA = Redis.createClient(vertxA, "redis://127.0.0.1:6379");
        redisB = Redis.createClient(vertxB, "redis://127.0.0.1:6379");
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

    @Test
    void twoNodesShareOneUsersLimitThroughRedis() {
        String prefix = "parley:test:rate:" + UUID.randomUUID() + ":";
        GcraRateLimiter nodeA = new GcraRateLimiter(call(redisA), new RedisGate(Duration.ofSeconds(2)), prefix, 3, Duration.ofMinutes(1));
        GcraRateLimiter nodeB = new GcraRateLimiter(call(redisB), new RedisGate(Duration.ofSeconds(2)), prefix, 3, Duration.ofMinutes(1));

        assertThat(nodeA.acquire("alice").allowed()).isTrue();
        assertThat(nodeB.acquire("alice").allowed()).isTrue();
        assertThat(nodeA.acquire("alice").allowed()).isTrue();
        GcraRateLimiter.Decision refusedOnB = nodeB.acquire("alice");
        assertThat(refusedOnB.allowed()).isFalse();
        // one turn per 20 s comes back: the next is allowed in at most 20 s
        assertThat(refusedOnB.retryAfterMs()).isBetween(1L, 20_000L);
        assertThat(nodeA.acquire("alice").allowed()).isFalse();
        // another user is not affected
        assertThat(nodeB.acquire("bob").allowed()).isTrue();
    }

    @Test
    void withoutRedisEachNodeLimitsInProcess() {
        RedisCall dead = (command, args) -> {
            throw new IllegalStateException("connection refused");
        };
        RedisGate gate = new RedisGate(Duration.ofSeconds(2));
        GcraRateLimiter node = new GcraRateLimiter(dead, gate, "parley:test:rate:", 2, Duration.ofMinutes(1));
        assertThat(node.acquire("alice").allowed()).isTrue();
        assertThat(gate.degraded()).isTrue();
        assertThat(node.acquire("alice").allowed()).isTrue();
        GcraRateLimiter.Decision refused = node.acquire("alice");
        assertThat(refused.allowed()).isFalse();
        assertThat(refused.retryAfterMs()).isBetween(1L, 30_000L);
    }
}
