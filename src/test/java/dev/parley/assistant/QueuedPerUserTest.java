package dev.parley.assistant;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The per-user count behind {@code LLM_MAX_QUEUED_PER_USER}. */
class QueuedPerUserTest {

    @Test
    void aUserGetsAtMostMaxPlacesAndGetsThemBackOneByOne() {
        QueuedPerUser quota = new QueuedPerUser(3);
        assertThat(quota.take("alice")).isTrue();
        assertThat(quota.take("alice")).isTrue();
        assertThat(quota.take("alice")).isTrue();
        assertThat(quota.take("alice")).isFalse();
        assertThat(quota.take("bob")).isTrue();
        quota.give("alice");
        assertThat(quota.take("alice")).isTrue();
        assertThat(quota.take("alice")).isFalse();
    }

    @Test
    void usersWithNothingQueuedLeaveNoEntryBehind() {
        QueuedPerUser quota = new QueuedPerUser(3);
        for (int i = 0; i < 10_000; i++) {
            assertThat(quota.take("user" + i)).isTrue();
        }
        assertThat(quota.users()).isEqualTo(10_000);
        for (int i = 0; i < 10_000; i++) {
            quota.give("user" + i);
        }
        assertThat(quota.users()).isZero();
    }

    @Test
    void zeroMeansNoLimit() {
        QueuedPerUser quota = new QueuedPerUser(0);
        for (int i = 0; i < 1000; i++) {
            assertThat(quota.take("alice")).isTrue();
        }
        assertThat(quota.users()).isZero();
    }
}
