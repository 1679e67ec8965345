package dev.parley.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.protocol.MessageKind;
import dev.parley.protocol.MessageView;
import dev.parley.protocol.ServerEvent;
import java.io.PrintStream;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code ask}: one question to the assistant, for scripts. The reply goes to standard output and nothing else does;
 * problems go to standard error with an exit code (see {@link Options#USAGE}). Its listener runs on the link's
 * owner thread, which is the only one touching the fields below.
 */
final class Ask implements Link.Listener {
    static final int OK = 0;
    static final int REFUSED = 2;
    static final int ASSISTANT_FAILED = 3;
    static final int TIMED_OUT = 4;
    static final int UNREACHABLE = 5;

    private final Options options;
    private final ObjectMapper json;
    private final PrintStream out;
    private final PrintStream err;
    private final CompletableFuture<Integer> done = new CompletableFuture<>();
    private final Map<Long, String> turnsByReplyTo = new HashMap<>();
    private String clientId;
    private Long seq;
    private String turnId;

    Ask(Options options, ObjectMapper json, PrintStream out, PrintStream err) {
        this.options = options;
        this.json = json;
        this.out = out;
        this.err = err;
    }

    /** The text to send: the question, mentioning the assistant unless it already does. */
    static String mentioning(String question, String assistant) {
        String mention = "@" + assistant;
        return question.contains(mention) ? question : mention + " " + question;
    }

    int run(Link link, String question) throws InterruptedException {
        try {
            link.connect().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            err.println("parley: " + cause.getMessage());
            return cause instanceof Link.Refused r && r.status() != 0 ? REFUSED : UNREACHABLE;
        } catch (TimeoutException e) {
            err.println("parley: no answer from " + options.url());
            return UNREACHABLE;
        }
        link.join(options.room());
        clientId = link.say(options.room(), mentioning(question, options.assistant()));
        try {
            return done.get(options.timeoutSeconds(), TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            err.println("parley: no reply from the assistant within " + options.timeoutSeconds() + " s");
            return TIMED_OUT;
        } catch (ExecutionException e) {
            err.println("parley: " + e.getCause().getMessage());
            return REFUSED;
        } finally {
            link.close();
        }
    }

    @Override
    public void onEvent(ServerEvent event) {
        switch (event) {
            case ServerEvent.Ack a when a.clientId().equals(clientId) -> asked(a.seq());
            case MessageView m when clientId.equals(m.clientId()) -> asked(m.seq());
            case ServerEvent.AssistantStart s -> {
                turnsByReplyTo.put(s.replyTo(), s.turnId());
                if (seq != null && seq == s.replyTo()) {
                    turnId = s.turnId();
                }
            }
            case MessageView m when m.kind() == MessageKind.ASSISTANT && m.turnId() != null && m.turnId().equals(turnId) -> {
                if (Boolean.TRUE.equals(m.cancelled())) {
                    err.println("parley: the reply was cancelled");
                    done.complete(ASSISTANT_FAILED);
                    return;
                }
                if (options.json()) {
                    try {
                        out.println(json.writeValueAsString(m));
                    } catch (java.io.IOException e) {
                        err.println("parley: cannot print the reply as JSON: " + e.getMessage());
                        done.complete(ASSISTANT_FAILED);
                        return;
                    }
                } else {
                    out.println(m.text());
                }
                out.flush();
                done.complete(OK);
            }
            case ServerEvent.AssistantError e when e.turnId() != null && e.turnId().equals(turnId) -> {
                err.println("parley: the assistant failed: " + e.code().wire() + ": " + e.message());
                done.complete(ASSISTANT_FAILED);
            }
            case ServerEvent.Error e when e.ref() == null || e.ref().equals(clientId) -> {
                err.println("parley: " + e.code().wire() + ": " + e.message());
                done.complete(REFUSED);
            }
            default -> {
            }
        }
    }

    private void asked(long stored) {
        seq = stored;
        String started = turnsByReplyTo.get(stored);
        if (started != null) {
            turnId = started;
        }
    }

    @Override
    public void onStatus(String status, boolean connected) {
        if (!connected) {
            err.println("parley: " + status);
        }
    }

    @Override
    public void onJoinRefused(String room, ServerEvent.Error error) {
        err.println("parley: cannot join " + room + ": " + error.code().wire() + ": " + error.message());
        done.complete(REFUSED);
    }

    @Override
    public void onRoomReset(String room, int droppedLines) {
        err.println("parley: room " + room + " was deleted and created again; the question was not sent");
        done.complete(REFUSED);
    }
}
