package dev.parley.assistant.cache;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.assistant.AssistantConfig;
import dev.parley.assistant.AssistantMetrics;
import dev.parley.assistant.SharedRedis;
import dev.parley.ratelimit.RedisCall;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.vertx.mutiny.redis.client.Response;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Answers kept for {@code LLM_CACHE_TTL} under a SHA-256 of everything the answer depends on (model, system prompt,
 * context, question, the room's permission state). In Redis, shared by every node; in process while Redis is down.
 */
@Singleton
public class ResponseCache {
    private static final String PREFIX = "parley:llm:cache:";
    private static final int LOCAL_MAX = 10_000;

    /** A cached answer. {@code meta} is the tool-call record of the original turn (JSON) or null. */
    @RegisterForReflection
    public record Entry(String text, String model, int inputTokens, int outputTokens, String meta) {
    }

    private record Local(Entry entry, long expiresAtMillis) {
    }

    private final RedisCall redis;
    private final SharedRedis shared;
    private final long ttlMillis;
    private final AssistantMetrics metrics;
    private final ObjectMapper json;
    private final ConcurrentHashMap<String, Local> local = new ConcurrentHashMap<>();

    ResponseCache(SharedRedis shared, AssistantConfig config, AssistantMetrics metrics, ObjectMapper json) {
        this.json = json;
        this.shared = shared;
        this.redis = shared.call();
        this.ttlMillis = config.cacheTtl().toMillis();
        this.metrics = metrics;
    }

    /** The cache key of a request: a hash of its parts, each length-prefixed so no two different lists collide. */
    public static String key(String... parts) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (String part : parts) {
                byte[] bytes = (part == null ? "\u0000null" : part).getBytes(StandardCharsets.UTF_8);
                sha.update((bytes.length + ":").getBytes(StandardCharsets.UTF_8));
                sha.update(bytes);
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** False when {@code LLM_CACHE_TTL} is zero: nothing is cached. */
    public boolean enabled() {
        return ttlMillis > 0;
    }

    /** Where the answer of {@code key} is kept in Redis, for reading it along with another command. */
    public String redisKey(String key) {
        return PREFIX + key;
    }

    /** The answer of {@code key} kept in process (while Redis is unreachable), as Redis holds it, or null. */
    public String inProcess(String key) {
        Local l = local.get(key);
        return l == null || l.expiresAtMillis() < System.currentTimeMillis() ? null : encode(l.entry());
    }

    /** What was read for a key (null when nothing): the answer, counted as a hit, or empty, counted as a miss. */
    public Optional<Entry> found(String value) {
        Optional<Entry> entry = value == null ? Optional.empty() : decode(value);
        metrics.cache(entry.isPresent());
        return entry;
    }

    public Optional<Entry> get(String key) {
        if (!enabled()) {
            return found(null);
        }
        return found(shared.gate().call(() -> {
            Response r = redis.execute("GET", redisKey(key));
            return r == null ? null : r.toString();
        }, () -> inProcess(key)));
    }

    public void put(String key, Entry entry) {
        if (ttlMillis <= 0) {
            return;
        }
        String value = encode(entry);
        shared.gate().call(() -> redis.execute("SET", redisKey(key), value, "PX", Long.toString(ttlMillis)), () -> {
            long now = System.currentTimeMillis();
            if (local.size() >= LOCAL_MAX) {
                local.values().removeIf(l -> l.expiresAtMillis() < now);
                if (local.size() >= LOCAL_MAX) {
                    local.clear();
                }
            }
            local.put(key, new Local(entry, now + ttlMillis));
            return null;
        });
    }

    private String encode(Entry entry) {
        try {
            return json.writeValueAsString(entry);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An entry, or empty when it cannot be read (then it is a miss, not a Redis failure). */
    private Optional<Entry> decode(String value) {
        try {
            return Optional.of(json.readValue(value, Entry.class));
        } catch (JsonProcessingException e) {
            return Optional.empty();
        }
    }
}
