package dev.parley.room;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.CascadeType;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.OneToMany;
import jakarta.persistence.OrderBy;
import jakarta.persistence.SequenceGenerator;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

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

    /** Who belongs to the room, in the order they joined. */
    @OneToMany(mappedBy = "room", cascade = CascadeType.ALL, orphanRemoval = true, fetch = FetchType.EAGER)
    @OrderBy("joinedAt, username")
    public List<Membership> memberships = new ArrayList<>();

    public static Optional<Room> findByName(String name) {
        return find("name", name).firstResultOptional();
    }

    /** The members' usernames, in the order they joined. */
    public List<String> members() {
        return memberships.stream().map(m -> m.username).toList();
    }

    public boolean hasMember(String username) {
        return memberships.stream().anyMatch(m -> m.username.equals(username));
    }

    /** Makes a user a member; nothing changes when they already are one. */
    public void addMember(String username) {
        if (!hasMember(username)) {
            memberships.add(new Membership(this, username));
        }
    }

    /** Makes exactly these users the members, keeping the memberships (and join times) of those who stay. */
    public void replaceMembers(Collection<String> usernames) {
        memberships.removeIf(m -> !usernames.contains(m.username));
        usernames.forEach(this::addMember);
    }

    public List<String> tagList() {
        return tags == null || tags.isBlank() ? List.of() : Arrays.asList(tags.split(","));
    }
}
