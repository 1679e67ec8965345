package dev.parley.assistant.ratelimit;

import dev.parley.assistant.AssistantConfig;
import dev.parley.assistant.AssistantMetrics;
import dev.parley.assistant.SharedRedis;
import dev.parley.ratelimit.Gcra;
import jakarta.enterprise.inject.Alternative;
import jakarta.inject.Singleton;
import java.util.function.Supplier;

/** For tests that need the admission of a message to fail: the limit cannot be read for users named {@code broken…}. */
@Alternative
@Singleton
public class FailingTurnRateLimit extends TurnRateLimit {
    public static final String BROKEN_USER_PREFIX = "broken";

    FailingTurnRateLimit(SharedRedis redis, AssistantConfig config, AssistantMetrics metrics) {
        super(redis, config, metrics);
    }

    @Override
    public Gcra.Decision acquire(String user) {
        if (user.startsWith(BROKEN_USER_PREFIX)) {
            throw new IllegalStateException("rate limit store unreadable");
        }
        return super.acquire(user);
    }

    @Override
    public Gcra.Read acquireAndRead(String user, String readKey, Supplier<String> inProcess) {
        if (user.startsWith(BROKEN_USER_PREFIX)) {
            throw new IllegalStateException("rate limit store unreadable");
        }
        return super.acquireAndRead(user, readKey, inProcess);
    }
}
