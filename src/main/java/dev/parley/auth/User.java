package dev.parley.auth;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.PrePersist;
import jakarta.persistence.SequenceGenerator;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.Optional;

/** A registered person. Only a slow salted hash of the password is kept. */
@Entity
@Table(name = "users")
public class User extends PanacheEntityBase {
    @Id
    @GeneratedValue(strategy = GenerationType.SEQUENCE, generator = "users_seq")
    @SequenceGenerator(name = "users_seq", sequenceName = "users_seq", allocationSize = 50)
    public Long id;

    @Column(nullable = false, unique = true, length = 32)
    public String username;

    /** The username in lower case: unique, so no two accounts differ only in case (see {@link Usernames#key}). */
    @Column(name = "username_key", nullable = false, unique = true, length = 64)
    public String usernameKey;

    @Column(name = "password_hash", nullable = false, length = 100)
    public String passwordHash;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    /** The account with exactly this name. */
    public static Optional<User> findByUsername(String username) {
        return find("username", username).firstResultOptional();
    }

    /**
     * The account a login names, in any case: {@code alice} finds {@code Alice}. An exact match comes first, so
     * accounts that differed only in case before names became case-insensitive still log in by their own name.
     */
    public static Optional<User> findForLogin(String username) {
        return findByUsername(username).or(() -> find("usernameKey", Usernames.key(username)).firstResultOptional());
    }

    /** Whether a name is taken in any case. */
    public static boolean isTaken(String username) {
        return count("usernameKey", Usernames.key(username)) > 0;
    }

    @PrePersist
    void normalise() {
        usernameKey = Usernames.key(username);
    }
}
