package dev.parley.bench.client;

import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.List;

/** Events that keep what arrived, in order, and complete a promise at the first ack. Event loop only. */
final class RecordingEvents implements Events {
    final List<String> seen = new ArrayList<>();
    final Promise<Void> acked = Promise.promise();

    @Override
    public void message(String room, String clientId) {
        seen.add("message " + room + " " + clientId);
    }

    @Override
    public void ack(String room, String clientId) {
        seen.add("ack " + room + " " + clientId);
        acked.tryComplete();
    }

    @Override
    public void error(String what) {
        seen.add("error " + what);
        acked.tryFail(what);
    }
}
