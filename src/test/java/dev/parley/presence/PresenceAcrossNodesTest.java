package dev.parley.presence;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** SPEC §5: presence counts a user's connections on all nodes; a node that is gone takes its users offline. */
class PresenceAcrossNodesTest {
    private final List<String> published = new ArrayList<>();
    private final List<PresenceTracker.Changed> changes = new ArrayList<>();
    private final List<Runnable> timers = new ArrayList<>();
    private final PresenceTracker presence = new PresenceTracker(published::add, changes::add, (ms, task) -> timers.add(task), () -> 2000);

    private void graceRunsOut() {
        List<Runnable> due = List.copyOf(timers);
        timers.clear();
        due.forEach(Runnable::run);
    }

    @Test
    void aUserOnlineOnTwoNodesGoesOfflineOnlyWhenBothAreDone() {
        assertThat(presence.connect("lobby", "ann")).isTrue();
        assertThat(published).containsExactly("+lobby\tann");
        presence.fromPeer("b", "+lobby\tann");
        assertThat(changes).as("already online here").isEmpty();
        assertThat(presence.disconnect("lobby", "ann")).as("still connected through b").isFalse();
        assertThat(presence.isOnline("lobby", "ann")).isTrue();
        presence.fromPeer("b", "-lobby\tann");
        assertThat(changes).as("not before the grace").isEmpty();
        graceRunsOut();
        assertThat(changes).containsExactly(new PresenceTracker.Changed("lobby", "ann", false));
        assertThat(presence.rooms()).isZero();
    }

    @Test
    void aUserOfAnotherNodeIsListedAndAJoinHereIsNotAnnouncedTwice() {
        presence.fromPeer("b", "+lobby\tbob");
        assertThat(changes).containsExactly(new PresenceTracker.Changed("lobby", "bob", true));
        assertThat(presence.online("lobby")).containsExactly("bob");
        assertThat(presence.connect("lobby", "bob")).as("bob was online through b").isFalse();
    }

    @Test
    void aNodesWholeStateReplacesWhatWasKnownOfIt() {
        presence.fromPeer("b", "+lobby\tbob");
        presence.fromPeer("b", "+lobby\tcy");
        changes.clear();
        presence.fromPeer("b", "=lobby\tcy\ngarden\tdee\n");
        graceRunsOut();
        assertThat(changes).containsExactlyInAnyOrder(new PresenceTracker.Changed("lobby", "bob", false),
                new PresenceTracker.Changed("garden", "dee", true));
        assertThat(presence.online("lobby")).containsExactly("cy");
    }

    @Test
    void aGoneNodesUsersGoOfflineUnlessConnectedElsewhere() {
        presence.fromPeer("b", "+lobby\tbob");
        presence.fromPeer("c", "+lobby\tbob");
        presence.fromPeer("b", "+lobby\tcy");
        changes.clear();
        presence.nodeGone("b");
        graceRunsOut();
        assertThat(changes).containsExactly(new PresenceTracker.Changed("lobby", "cy", false));
        assertThat(presence.online("lobby")).containsExactly("bob");
    }

    @Test
    void aUserWhoComesBackThroughAnotherNodeWithinTheGraceIsNeverShownOffline() {
        presence.connect("lobby", "ann");
        assertThat(presence.disconnect("lobby", "ann")).as("not announced at once").isFalse();
        assertThat(presence.isOnline("lobby", "ann")).isTrue();
        presence.fromPeer("b", "+lobby\tann"); // reconnected through b
        graceRunsOut();
        assertThat(changes).isEmpty();
        presence.fromPeer("b", "-lobby\tann");
        presence.connect("lobby", "ann"); // and back here before the grace ran out
        graceRunsOut();
        assertThat(changes).isEmpty();
        assertThat(presence.disconnect("lobby", "ann")).isFalse();
        graceRunsOut();
        assertThat(changes).containsExactly(new PresenceTracker.Changed("lobby", "ann", false));
        assertThat(presence.rooms()).isZero();
    }

    @Test
    void aloneANodeAnnouncesOfflineAtOnce() {
        PresenceTracker alone = new PresenceTracker(body -> { }, changes::add, (ms, task) -> timers.add(task), () -> 0);
        alone.connect("lobby", "ann");
        assertThat(alone.disconnect("lobby", "ann")).isTrue();
        assertThat(timers).isEmpty();
    }

    @Test
    void thisNodesStateIsPublishedWhole() {
        presence.connect("lobby", "ann");
        presence.connect("garden", "ann");
        published.clear();
        presence.stateWanted();
        assertThat(published).hasSize(1);
        assertThat(published.get(0)).startsWith("=").contains("lobby\tann\n", "garden\tann\n");
    }
}
