package dev.parley.bench.scenario;

import java.time.Duration;

/**
 * What a cut between the nodes did to a step's messages, from its {@link Fanout.Timeline}: the cut came at
 * {@code cutNanos} and both nodes heard each other again at {@code backNanos}. The messages looked at are those due
 * from {@link #LOOKBACK} before the cut (messages in flight when it came) until the nodes were back.
 *
 * @param caughtUpMs         from the cut until the last of those messages reached its last member: from then on every
 *                           member has every message sent before the bus was back
 * @param messages           how many messages that is
 * @param lateOnOtherNode    of those, how many reached the members on the other node than their sender's {@code late}
 *                           or more after they were due (lost by the bus, read from the database)
 * @param lateOnSendersNode  the same on the sender's node (held behind a gap: a node delivers a room in order)
 */
public record Catchup(double caughtUpMs, long messages, long lateOnOtherNode, long lateOnSendersNode) {
    /** Messages due this long before the cut may still have been on their way through the bus when it came. */
    public static final Duration LOOKBACK = Duration.ofSeconds(1);

    public static Catchup of(Fanout.Timeline timeline, long cutNanos, long backNanos, Duration late) {
        long from = cutNanos - LOOKBACK.toNanos();
        long lastArrival = 0;
        long messages = 0;
        long lateOther = 0;
        long lateSame = 0;
        for (int i = 0; i < timeline.messages(); i++) {
            long due = timeline.dueNanos(i);
            if (due < from || due > backNanos) {
                continue;
            }
            messages++;
            long same = timeline.lastOnSendersNode()[i];
            long other = timeline.lastOnOtherNode()[i];
            lastArrival = Math.max(lastArrival, Math.max(same, other));
            if (other != 0 && other - due >= late.toNanos()) {
                lateOther++;
            }
            if (same != 0 && same - due >= late.toNanos()) {
                lateSame++;
            }
        }
        return new Catchup(lastArrival == 0 ? Double.NaN : (lastArrival - cutNanos) / 1e6, messages, lateOther, lateSame);
    }
}
