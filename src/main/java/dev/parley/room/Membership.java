package dev.parley.room;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.time.Instant;
import java.util.Objects;

/**
 * A user's membership of a room: who may see a private room, and who took part in a public one (a user becomes a
 * member of a public room by joining it). Owned by its {@link Room}; keyed by room and username.
 */
@Entity
@Table(name = "room_members")
@IdClass(Membership.Key.class)
public class Membership extends PanacheEntityBase {
    @Id
    @ManyToOne(fetch = FetchType.LAZY, optional = false)
    @JoinColumn(name = "room_id")
    public Room room;

    @Id
    @Column(length = 32)
    public String username;

    @Column(name = "joined_at", nullable = false)
    public Instant joinedAt;

    protected Membership() {
    }

    Membership(Room room, String username) {
        this.room = room;
        this.username = username;
        this.joinedAt = Instant.now();
    }

    /** The identifier: the room's id and the username. */
    public static class Key implements Serializable {
        public Long room;
        public String username;

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Objects.equals(room, k.room) && Objects.equals(username, k.username);
        }

        @Override
        public int hashCode() {
            return Objects.hash(room, username);
        }
    }
}
