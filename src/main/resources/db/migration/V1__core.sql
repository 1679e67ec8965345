-- Parley core schema. Runs unchanged on H2 (2.x) and PostgreSQL.

CREATE SEQUENCE users_seq START WITH 1 INCREMENT BY 50;
CREATE SEQUENCE rooms_seq START WITH 1 INCREMENT BY 50;
CREATE SEQUENCE messages_seq START WITH 1 INCREMENT BY 100;

CREATE TABLE users (
    id            BIGINT PRIMARY KEY,
    username      VARCHAR(32)  NOT NULL,
    password_hash VARCHAR(100) NOT NULL,
    created_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT users_username_uk UNIQUE (username)
);

CREATE TABLE rooms (
    id             BIGINT PRIMARY KEY,
    name           VARCHAR(64)   NOT NULL,
    description    VARCHAR(2000),
    tags           VARCHAR(2000),
    is_private     BOOLEAN       NOT NULL,
    assistant_mode VARCHAR(16)   NOT NULL,
    model          VARCHAR(200),
    owner          VARCHAR(32)   NOT NULL,
    -- the last seq handed out in this room; bumped inside every insert transaction
    last_seq       BIGINT        NOT NULL,
    -- seq of the last /clear (context boundary for the assistant)
    cleared_seq    BIGINT        NOT NULL,
    created_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT rooms_name_uk UNIQUE (name)
);

CREATE TABLE room_members (
    room_id  BIGINT      NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
    username VARCHAR(32) NOT NULL,
    PRIMARY KEY (room_id, username)
);
CREATE INDEX room_members_user_ix ON room_members (username);

CREATE TABLE messages (
    id            BIGINT       PRIMARY KEY,
    room_id       BIGINT       NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
    seq           BIGINT       NOT NULL,
    client_id     VARCHAR(64),
    sender        VARCHAR(64)  NOT NULL,
    kind          VARCHAR(16)  NOT NULL,
    body          VARCHAR(1000000) NOT NULL,
    created_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    model         VARCHAR(200),
    turn_id       VARCHAR(64),
    cached        BOOLEAN,
    cancelled     BOOLEAN,
    input_tokens  INTEGER,
    output_tokens INTEGER,
    -- JSON: tool calls and results of an assistant turn, kept for export
    meta          VARCHAR(1000000),
    CONSTRAINT messages_room_seq_uk UNIQUE (room_id, seq),
    -- client_id before sender: the idempotency check looks up (room_id, client_id IN …) by this index
    CONSTRAINT messages_client_uk UNIQUE (room_id, client_id, sender)
);
