package dev.parley.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Parley's typed settings. Each one is fed by the environment variable named in its javadoc (SPEC §4). */
@ConfigMapping(prefix = "parley")
public interface ParleyConfig {

    /** Folder for the embedded database and the generated signing key ({@code PARLEY_DATA_DIR}, default {@code ./data}). */
    @WithDefault("./data")
    String dataDir();

    /** Extra browser origins allowed to open the WebSocket ({@code CORS_ORIGINS}, comma separated). */
    Optional<List<String>> corsOrigins();

    /**
     * Proxies whose {@code X-Forwarded-For} is believed ({@code TRUSTED_PROXIES}, comma separated addresses or CIDR
     * blocks, default none). A request from one of them is counted, in every per-address throttle, against the
     * client address they forward; any other request against its TCP peer.
     */
    Optional<List<String>> trustedProxies();

    /** Identity settings. */
    Auth auth();

    /** WebSocket transport settings. */
    Ws ws();

    /** Message limits. */
    Message message();

    /** History and resume settings. */
    History history();

    /** The group-commit message writer. */
    Writer writer();

    interface Auth {
        /** JWT signing key ({@code SECRET_KEY}), at least 32 bytes; when empty one is generated at first start and kept in the data dir. */
        Optional<String> secretKey();

        /** Lifetime of an issued token ({@code TOKEN_TTL}, default 12h). */
        @WithDefault("12h")
        Duration tokenTtl();

        /** JWT issuer, checked on every token ({@code JWT_ISSUER}, default {@code parley}). */
        @WithDefault("parley")
        String issuer();

        /** Usernames that get the {@code admin} role ({@code ADMIN_USERS}, comma separated). */
        Optional<List<String>> admins();

        /** Lifetime of a single-use WebSocket ticket. */
        @WithDefault("30s")
        Duration ticketTtl();

        /**
         * Failed logins allowed for one username from one client address within {@link #loginWindow()}
         * ({@code LOGIN_MAX_FAILURES}, default 5; 0 = off): a burst of this many, then one per window/limit. Counted
         * per (username, address), never per username alone, so nobody can lock an owner out from elsewhere.
         */
        @WithDefault("5")
        int loginMaxFailures();

        /**
         * Failed logins allowed from one client address, whatever the usernames, within {@link #loginWindow()}
         * ({@code LOGIN_MAX_FAILURES_PER_ADDRESS}, default 30; 0 = off). An IPv6 client counts by its /64.
         */
        @WithDefault("30")
        int loginMaxFailuresPerAddress();

        /** Window over which failed logins are counted ({@code LOGIN_WINDOW}, default 5m). */
        @WithDefault("5m")
        Duration loginWindow();

        /**
         * Registrations allowed from one client address per hour ({@code REGISTER_RATE_LIMIT}, default 10; 0 = off).
         * An IPv6 client counts by its /64.
         */
        @WithDefault("10")
        int registerRateLimit();

        /** WebSocket tickets one user may get per minute ({@code TICKET_RATE_LIMIT}, default 30; 0 = off). */
        @WithDefault("30")
        int ticketRateLimit();
    }

    interface Ws {
        /** Largest frame handled; larger ones get {@code too_large} ({@code WS_MAX_FRAME_BYTES}, default 65536). */
        @WithDefault("65536")
        int maxFrameBytes();

        /**
         * A connection silent (no frame, no pong) for this long gets a ping; a talking one gets none. Below
         * {@link #heartbeatTimeout()}, with room for the pong to come back (8 s by default).
         */
        @WithDefault("20s")
        Duration pingInterval();

        /**
         * A connection not heard from (frame or pong) for this long is closed and shown offline; the one-second sweep
         * adds up to a second, so the default keeps SPEC's "offline within 30 s".
         */
        @WithDefault("28s")
        Duration heartbeatTimeout();

        /** Invalid frames tolerated within {@link #invalidFrameWindow()} before the connection is closed with 1008. */
        @WithDefault("20")
        int invalidFrameBurst();

        /** Window over which invalid frames are counted. */
        @WithDefault("10s")
        Duration invalidFrameWindow();

        /** Time after which a user's typing indicator expires without a refresh. */
        @WithDefault("6s")
        Duration typingTimeout();

        /**
         * Bytes written to one connection's socket and not yet sent to the network beyond which the server gives up
         * on a client that reads too slowly: it leaves its rooms and is closed with 1013, and resumes from history
         * when it reconnects ({@code WS_MAX_QUEUED_BYTES}, default 16 MiB; an extension).
         */
        @WithDefault("16777216")
        long maxQueuedBytes();

        /**
         * Frames of one connection that may wait behind a frame whose blocking step (a join's database work, a
         * slash command) is still running; past it the server stops reading that socket until they are handled
         * (SPEC §2: frames are never buffered without bound).
         */
        @WithDefault("64")
        int maxHeldFrames();

        /** Open connections one user may hold; the next handshake gets HTTP 429 ({@code MAX_CONNECTIONS_PER_USER}, default 32, 0 = off). */
        @WithDefault("32")
        int maxConnectionsPerUser();
    }

    interface Message {
        /** Longest message text in characters ({@code MESSAGE_MAX_CHARS}, default 4000). */
        @WithDefault("4000")
        int maxChars();

        /**
         * Messages one user may send per 10 seconds; over it the send gets {@code rate_limited} with
         * {@code retryAfterMs} and nothing is stored ({@code MESSAGE_RATE_LIMIT}, default 30, 0 = off). Counted per
         * node.
         */
        @WithDefault("30")
        int rateLimit();

        /** Longest clientId in characters. */
        @WithDefault("64")
        int maxClientIdChars();
    }

    interface History {
        /** Most messages a resume returns before it answers {@code recovered: false} ({@code RESUME_MAX_MESSAGES}, default 500). */
        @WithDefault("500")
        int resumeMaxMessages();

        /** Messages returned by a join without {@code since}. */
        @WithDefault("50")
        int joinPage();

        /** Largest REST history page. */
        @WithDefault("200")
        int maxPage();
    }

    interface Writer {
        /** Independent group-commit writers; a room always maps to the same one, so rooms on different writers commit in parallel. */
        @WithDefault("4")
        int shards();

        /** Most messages committed in one transaction. */
        @WithDefault("256")
        int maxBatch();

        /** Pending messages per writer before new sends are refused with {@code busy}. */
        @WithDefault("20000")
        int queueCapacity();

        /**
         * ({@code DATABASE_FSYNC}) Acks and delivers a group commit only once it is on the disk (fsync), so an acked
         * message survives a power loss or an operating-system crash, not only a crash of Parley. Matters on H2,
         * which hands a commit to the operating system without forcing it (the writer then runs
         * {@code CHECKPOINT SYNC}, which needs an H2 user with admin rights, checked at startup); PostgreSQL forces
         * its log at commit itself, as its {@code synchronous_commit} says. Off: 0.2–0.9 ms less per commit on
         * this project's test machine (docs/performance.md).
         */
        @WithDefault("true")
        boolean fsync();

        /**
         * How often Parley compacts the embedded H2 file: rewrites the live pages of old, mostly dead chunks, so that
         * their space is used again, and forces the file to the disk (with {@code WRITE_DELAY=0} H2 itself does not;
         * without it the file kept tens of KiB per commit under load). Also sets H2's retention time to five of these
         * intervals. While nothing is written the passes come five times less often, with a five times longer
         * retention time. 0 turns it off, and H2's retention time stays its own (45 s). Nothing to do on PostgreSQL, or
         * with {@code WRITE_DELAY} above 0 (the message package's {@code H2Compaction}).
         */
        @WithDefault("200ms")
        Duration h2CompactEvery();

        /** Most bytes of live pages one such pass rewrites. */
        @WithDefault("1048576")
        int h2CompactBytes();
    }
}
