package dev.parley.message;

import dev.parley.protocol.MessageKind;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.SequenceGenerator;
import jakarta.persistence.Table;
import java.time.Instant;

/** A stored message. {@code seq} is the room's gap-free order, assigned in the insert transaction. */
@Entity
@Table(name = "messages")
public class Message extends PanacheEntityBase {
    /**
     * Ids one {@code nextval} of {@code messages_seq} stands for (its {@code INCREMENT BY}): Hibernate's pooled-lo
     * optimizer and the message writer ({@link MessageTable}) both take {@code V .. V + ID_BLOCK - 1} for a value V.
     */
    static final int ID_BLOCK = 100;

    @Id
    @GeneratedValue(strategy = GenerationType.SEQUENCE, generator = "messages_seq")
    @SequenceGenerator(name = "messages_seq", sequenceName = "messages_seq", allocationSize = ID_BLOCK)
    public Long id;

    @Column(name = "room_id", nullable = false)
    public long roomId;

    @Column(nullable = false)
    public long seq;

    @Column(name = "client_id")
    public String clientId;

    @Column(nullable = false)
    public String sender;

    @Column(nullable = false)
    public MessageKind kind;

    @Column(name = "body", nullable = false)
    public String text;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    public String model;

    @Column(name = "turn_id")
    public String turnId;

    public Boolean cached;

    public Boolean cancelled;

    @Column(name = "input_tokens")
    public Integer inputTokens;

    @Column(name = "output_tokens")
    public Integer outputTokens;

    /** JSON with the tool calls and results of an assistant turn. */
    public String meta;

    /** True for a message brought in by a transcript import; null otherwise. */
    public Boolean imported;
}
