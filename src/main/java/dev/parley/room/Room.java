package dev.parley.room;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.CollectionTable;
import jakarta.persistence.Column;
import jakarta.persistence.ElementCollection;
import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.SequenceGenerator;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** A room: its metadata, its members and the last seq handed out in it. */
@Entity
@Table(name = "rooms")
public class Room extends PanacheEntityBase {
    @Id
    @GeneratedValue(strategy = GenerationType.SEQUENCE, generator = "rooms_seq")
    @SequenceGenerator(name = "rooms_seq", sequenceName = "rooms_seq", allocationSize = 50)
    public Long id;

    @Column(nullable = false, unique = true, length = 64)
    public String name;

    public String description;

    /** Comma-joined tags. */
    public String tags;

    @Column(name = "is_private", nullable = false)
    public boolean isPrivate;

    @Column(name = "assistant_mode", nullable = false)
    public String assistantMode = AssistantMode.MENTION.wire();

    public String model;

    @Column(nullable = false)
    public String owner;

    @Column(name = "last_seq", nullable = false)
    public long lastSeq;

    @Column(name = "cleared_seq", nullable = false)
    public long clearedSeq;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @ElementCollection(fetch = FetchType.EAGER)
    @CollectionTable(name = "room_members", joinColumns = @JoinColumn(name = "room_id"))
    @Column(name = "username")
    public Set<String> members = new LinkedHashSet<>();

    public static Optional<Room> findByName(String name) {
        return find("name", name).firstResultOptional();
    }

    public List<String> tagList() {
        return tags == null || tags.isBlank() ? List.of() : Arrays.asList(tags.split(","));
    }
}
