package dev.parley.assistant.ratelimit;

import dev.parley.assistant.AssistantConfig;
import dev.parley.assistant.AssistantMetrics;
import dev.parley.assistant.SharedRedis;
import dev.parley.assistant.cache.ResponseCache;
import dev.parley.ratelimit.Gcra;
import jakarta.enterprise.inject.Alternative;
import jakarta.inject.Singleton;

/** For tests that need the admission of a message to fail: the limit cannot be read for users named {@code broken…}. */
@Alternative
@Singleton
public class FailingTurnRateLimit extends TurnRateLimit {
    public static final String BROKEN_USER_PREFIX = "broken";

    FailingTurnRateLimit(SharedRedis redis, AssistantConfig config, AssistantMetrics metrics, ResponseCache cache) {
        super(redis, config, metrics, cache);
    }

    @Override
    public Gcra.Read admit(String user, String cacheKey) {
        if (user.startsWith(BROKEN_USER_PREFIX)) {
            throw new IllegalStateException("rate limit store unreadable");
        }
        return super.admit(user, cacheKey);
    }
}
