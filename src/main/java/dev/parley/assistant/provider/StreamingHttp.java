package dev.parley.assistant.provider;

import dev.parley.assistant.AssistantConfig;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import jakarta.inject.Singleton;
import java.io.ByteArrayOutputStream;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * HTTP to the providers on Quarkus's Vert.x client, read line by line from a blocking (virtual) thread.
 * {@code LLM_TIMEOUT} bounds the wait for the response head and then, checked by the reader, the wait for each next
 * chunk: "to the first token and between tokens" on a streamed response.
 */
@Singleton
public class StreamingHttp {
    private static final Object END = new Object();
    private final HttpClient client;
    private final Duration connectTimeout;
    static final int KEEP_ALIVE_SECONDS = 4;
    /** How long a finished reader waits for the end of a response body before cutting the connection. */
    static final long DRAIN_MILLIS = 1000;

    StreamingHttp(Vertx vertx, AssistantConfig config) {
        this.connectTimeout = config.connectTimeout();
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

    /** Sends a request and waits for the response head; the body is then read with {@link Response#line()}. */
    public Response send(HttpMethod method, String url, Map<String, String> headers, String body, Duration idle,
            Cancellation cancellation) {
        Response response = new Response(idle.toMillis());
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
                HttpClientResponse r = answered.result();
                response.status = r.statusCode();
                response.headers = r.headers();
                r.handler(response.queue::add);
                r.exceptionHandler(response.queue::add);
                r.endHandler(v -> response.queue.add(END));
                head.complete(response);
            });
        });
        cancellation.onCancel(response::abort);
        try {
            return head.get(connectTimeout.toMillis() + idle.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw failure(e.getCause(), cancellation);
        } catch (TimeoutException e) {
            response.abort();
            throw new ProviderException(ProviderException.Kind.TIMEOUT, "no answer within " + idle.toSeconds() + "s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            response.abort();
            throw new ProviderException(ProviderException.Kind.CANCELLED, "interrupted");
        }
    }

    /** Classifies a transport failure. */
    static ProviderException failure(Throwable t, Cancellation cancellation) {
        if (cancellation != null && cancellation.cancelled()) {
            return new ProviderException(ProviderException.Kind.CANCELLED, "cancelled");
        }
        String message = String.valueOf(t.getMessage());
        if (t instanceof TimeoutException || t instanceof io.netty.channel.ConnectTimeoutException
                || message.toLowerCase(Locale.ROOT).contains("timeout period")) {
            return t instanceof io.netty.channel.ConnectTimeoutException
                    ? new ProviderException(ProviderException.Kind.CONNECT, "connect timed out: " + message)
                    : new ProviderException(ProviderException.Kind.TIMEOUT, "timed out: " + message);
        }
        if (t instanceof ConnectException || t instanceof UnknownHostException || t.getCause() instanceof ConnectException) {
            return new ProviderException(ProviderException.Kind.CONNECT, "cannot connect: " + message);
        }
        return new ProviderException(ProviderException.Kind.CONNECT, "connection failed: " + message);
    }

    /** A response being read: its status, headers and body lines. */
    public static final class Response implements AutoCloseable {
        private final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();
        private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
        private final long idleMillis;
        private volatile HttpClientRequest request;
        private int status;
        private MultiMap headers;
        private boolean ended;

        Response(long idleMillis) {
            this.idleMillis = idleMillis;
        }

        public int status() {
            return status;
        }

        public String header(String name) {
            return headers == null ? null : headers.get(name);
        }

        /** The next line of the body without its line break, or null at the end. */
        public String line() {
            while (true) {
                byte[] bytes = pending.toByteArray();
                for (int i = 0; i < bytes.length; i++) {
                    if (bytes[i] == '\n') {
                        int end = i > 0 && bytes[i - 1] == '\r' ? i - 1 : i;
                        String line = new String(bytes, 0, end, StandardCharsets.UTF_8);
                        pending.reset();
                        pending.write(bytes, i + 1, bytes.length - i - 1);
                        return line;
                    }
                }
                if (ended) {
                    if (bytes.length == 0) {
                        return null;
                    }
                    pending.reset();
                    return new String(bytes, StandardCharsets.UTF_8);
                }
                Object item;
                try {
                    item = queue.poll(idleMillis, TimeUnit.MILLISECONDS);
                    if (item == null) {
                        ended = true;
                        abort();
                        throw new ProviderException(ProviderException.Kind.TIMEOUT, "timed out: no data for " + idleMillis + " ms");
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    abort();
                    throw new ProviderException(ProviderException.Kind.CANCELLED, "interrupted");
                }
                if (item == END) {
                    ended = true;
                } else if (item instanceof Throwable t) {
                    ended = true;
                    throw failure(t, null);
                } else {
                    Buffer b = (Buffer) item;
                    pending.write(b.getBytes(), 0, b.length());
                }
            }
        }

        /** The rest of the body as text (for error answers and small documents). */
        public String body() {
            StringBuilder all = new StringBuilder();
            String line;
            while ((line = line()) != null) {
                all.append(line).append('\n');
            }
            return all.toString();
        }

        void abort() {
            HttpClientRequest r = request;
            if (r != null) {
                r.reset();
            }
            queue.add(new java.util.concurrent.CancellationException("cancelled"));
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
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                abort();
            }
        }
    }
}
