package dev.parley.assistant.provider;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.assistant.AssistantConfig;
import io.netty.channel.ConnectTimeoutException;
import io.vertx.core.Context;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.parsetools.RecordParser;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;

/**
 * HTTP to the providers on Quarkus's Vert.x client, read from a blocking (virtual) thread. The body is split into
 * lines by Vert.x's {@link RecordParser} on the event loop; the lines wait in a bounded queue, and the parser is asked
 * for more ({@code fetch}) only as the reader takes them, so a fast provider and a slow reader never pile up more than
 * {@link #WINDOW} lines (the response is paused meanwhile). {@code LLM_TIMEOUT} bounds the wait for the response head
 * and then, checked by the reader, the wait for each next line: "to the first token and between tokens".
 */
@Singleton
public class StreamingHttp {
    private static final Object END = new Object();
    static final int KEEP_ALIVE_SECONDS = 4;
    /** How long a finished reader waits for the end of a response body before cutting the connection. */
    static final long DRAIN_MILLIS = 1000;
    /** Lines asked of the parser at a time: the most that wait for the reader. */
    static final int WINDOW = 64;
    /** The longest line accepted (a model list is one line of JSON; streamed pieces are far smaller). */
    static final int MAX_LINE_BYTES = 16 * 1024 * 1024;

    private final HttpClient client;
    private final Duration connectTimeout;
    private final ProviderJson json;

    @Inject
    StreamingHttp(Vertx vertx, AssistantConfig config, ProviderJson json) {
        this(vertx, config.connectTimeout(), json);
    }

    StreamingHttp(Vertx vertx, Duration connectTimeout, ProviderJson json) {
        this.connectTimeout = connectTimeout;
        this.json = json;
        this.client = vertx.createHttpClient(new HttpClientOptions()
                .setConnectTimeout((int) connectTimeout.toMillis())
                .setMaxPoolSize(64)
                .setKeepAlive(true)
                // Drop idle pooled connections before the server does: servers close idle keep-alive connections
                // (Node after 5 s, the JDK's after 30 s, proxies after 60 s), and a request sent on one it just closed
                // fails at once, so a pool of stale connections could burn every retry of a turn.
                .setKeepAliveTimeout(KEEP_ALIVE_SECONDS)
                .setTryUseCompression(false));
    }

    /** How a provider turns a non-200 answer into a classified failure. */
    @FunctionalInterface
    public interface ErrorAnswer {
        ProviderException classify(int status, String body, Response response);
    }

    /**
     * Sends a request and waits for the response head; the body is then read with {@link Response#line()} or
     * {@link Response#event()}. {@code provider} names the provider in failures.
     */
    public Response send(String provider, HttpMethod method, String url, Map<String, String> headers, String body, Duration idle,
            Cancellation cancellation) {
        Response response = new Response(provider, idle.toMillis());
        CompletableFuture<Response> head = new CompletableFuture<>();
        RequestOptions options = new RequestOptions().setMethod(method).setAbsoluteURI(url).setIdleTimeout(idle.toMillis());
        headers.forEach(options::putHeader);
        client.request(options).onComplete(opened -> {
            if (opened.failed()) {
                head.completeExceptionally(opened.cause());
                return;
            }
            HttpClientRequest request = opened.result();
            response.request = request;
            (body == null ? request.send() : request.send(Buffer.buffer(body))).onComplete(answered -> {
                if (answered.failed()) {
                    head.completeExceptionally(answered.cause());
                    return;
                }
                response.attach(answered.result(), Vertx.currentContext());
                head.complete(response);
            });
        });
        cancellation.onCancel(response::abort);
        try {
            return head.get(connectTimeout.toMillis() + idle.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw failure(provider, e.getCause(), cancellation);
        } catch (TimeoutException e) {
            response.abort();
            throw new ProviderException(ProviderException.Kind.TIMEOUT, provider + " timed out: no answer within " + idle.toSeconds() + "s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            response.abort();
            throw new ProviderException(ProviderException.Kind.CANCELLED, "cancelled");
        }
    }

    /** GETs a small JSON document (a model list); a non-200 answer goes to {@code error}. */
    public JsonNode getJson(String provider, String url, Map<String, String> headers, Duration timeout, ErrorAnswer error) {
        try (Response response = send(provider, HttpMethod.GET, url, headers, null, timeout, new Cancellation())) {
            String body = response.body();
            if (response.status() != 200) {
                throw error.classify(response.status(), body, response);
            }
            return json.strict(provider, body);
        }
    }

    /**
     * Classifies a transport failure by its type. The exception's text (addresses, hosts) goes to the detail, for
     * the log only.
     */
    static ProviderException failure(String provider, Throwable t, Cancellation cancellation) {
        if ((cancellation != null && cancellation.cancelled()) || t instanceof CancellationException) {
            return new ProviderException(ProviderException.Kind.CANCELLED, "cancelled");
        }
        String detail = String.valueOf(t);
        if (t instanceof ConnectTimeoutException) {
            return new ProviderException(ProviderException.Kind.CONNECT, provider + ": the connection timed out", detail, null);
        }
        if (t instanceof TimeoutException) { // Vert.x's idle timeout (NoStackTraceTimeoutException)
            return new ProviderException(ProviderException.Kind.TIMEOUT, provider + " timed out", detail, null);
        }
        if (t instanceof ConnectException || t instanceof UnknownHostException || t.getCause() instanceof ConnectException) {
            return new ProviderException(ProviderException.Kind.CONNECT, "cannot connect to " + provider, detail, null);
        }
        if (t instanceof SSLException) {
            return new ProviderException(ProviderException.Kind.CONNECT, provider + ": the TLS handshake failed", detail, null);
        }
        if (t instanceof IllegalStateException) { // RecordParser: a line longer than MAX_LINE_BYTES
            return new ProviderException(ProviderException.Kind.PROTOCOL, provider + " sent a line longer than "
                    + MAX_LINE_BYTES / (1024 * 1024) + " MB", detail, null);
        }
        if (t instanceof HttpClosedException) {
            return new ProviderException(ProviderException.Kind.CONNECT, provider + " closed the connection", detail, null);
        }
        return new ProviderException(ProviderException.Kind.CONNECT, "the connection to " + provider + " failed", detail, null);
    }

    /** A response being read: its status, headers and body lines. Read by one thread. */
    public static final class Response implements AutoCloseable {
        // at most WINDOW lines are asked for at a time; the rest of the room is for the end, a failure and aborts
        private final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(WINDOW + 8);
        private final String provider;
        private final long idleMillis;
        private volatile HttpClientRequest request;
        private RecordParser lines;
        private Context context;
        private int status;
        private MultiMap headers;
        private boolean ended;
        private int taken;
        private ServerSentEvents events;

        Response(String provider, long idleMillis) {
            this.provider = provider;
            this.idleMillis = idleMillis;
        }

        /** On the event loop, once the head arrived: lines flow into the queue as the reader asks for them. */
        private void attach(HttpClientResponse r, Context context) {
            this.status = r.statusCode();
            this.headers = r.headers();
            this.context = context;
            this.lines = RecordParser.newDelimited("\n", r).maxRecordSize(MAX_LINE_BYTES);
            lines.pause();
            lines.handler(this::put);
            lines.exceptionHandler(this::put);
            lines.endHandler(v -> put(END));
            lines.fetch(WINDOW);
        }

        private void put(Object item) {
            if (!queue.offer(item)) {
                // cannot happen while the reader asks for no more than WINDOW lines; say so rather than lose data
                queue.clear();
                queue.offer(new IllegalStateException("response queue overflow"));
            }
        }

        public int status() {
            return status;
        }

        public String header(String name) {
            return headers == null ? null : headers.get(name);
        }

        /** The next line of the body without its line break ({@code \n} or {@code \r\n}), or null at the end. */
        public String line() {
            if (ended) {
                return null;
            }
            Object item;
            try {
                item = queue.poll(idleMillis, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                ended = true;
                abort();
                throw new ProviderException(ProviderException.Kind.CANCELLED, "cancelled");
            }
            if (item == null) {
                ended = true;
                abort();
                throw new ProviderException(ProviderException.Kind.TIMEOUT, provider + " timed out: no data for " + idleMillis + " ms");
            }
            if (item == END) {
                ended = true;
                return null;
            }
            if (item instanceof Throwable t) {
                ended = true;
                throw failure(provider, t, null);
            }
            askForMore();
            Buffer b = (Buffer) item;
            int end = b.length();
            if (end > 0 && b.getByte(end - 1) == '\r') {
                end--;
            }
            return b.getString(0, end, StandardCharsets.UTF_8.name());
        }

        /** Every WINDOW/2 lines taken, asks the parser (on its event loop) for as many more. */
        private void askForMore() {
            if (++taken >= WINDOW / 2) {
                int more = taken;
                taken = 0;
                context.runOnContext(v -> lines.fetch(more));
            }
        }

        /** The next server-sent event of the body, or null at its end (an unfinished last event is dropped, per the standard). */
        public ServerSentEvents.Event event() {
            if (events == null) {
                events = new ServerSentEvents();
            }
            String line;
            while ((line = line()) != null) {
                ServerSentEvents.Event e = events.line(line);
                if (e != null) {
                    return e;
                }
            }
            return null;
        }

        /** The rest of the body as text (for error answers and small documents). */
        public String body() {
            StringBuilder all = new StringBuilder();
            String line;
            while ((line = line()) != null) {
                if (!all.isEmpty()) {
                    all.append('\n');
                }
                all.append(line);
            }
            return all.toString();
        }

        void abort() {
            HttpClientRequest r = request;
            if (r != null) {
                r.reset();
            }
            queue.offer(new CancellationException("cancelled"));
        }

        /**
         * Done with the response. A provider stops reading at its last event ({@code done}, {@code message_stop},
         * {@code [DONE]}), usually just before the end of the HTTP body arrives: the rest is drained for a moment so
         * the connection goes back to the pool whole. Resetting it instead would close a connection the pool may
         * already have handed to the next request of the turn (a tool round), failing that one with "Connection was
         * closed". A body that does not end soon is cut off.
         */
        @Override
        public void close() {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Math.min(idleMillis, DRAIN_MILLIS));
            try {
                while (!ended) {
                    long left = deadline - System.nanoTime();
                    Object item = left > 0 ? queue.poll(left, TimeUnit.NANOSECONDS) : null;
                    if (item == null) {
                        abort();
                        return;
                    }
                    ended = item == END || item instanceof Throwable;
                    if (!ended) {
                        askForMore();
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                abort();
            }
        }
    }
}
