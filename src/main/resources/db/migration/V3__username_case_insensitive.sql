-- Usernames are unique without regard to case (SPEC §1): `Alice` and `alice` cannot both exist.
-- username_key holds the lower-case form the application writes with every new user; a unique constraint on it
-- decides races between two registrations. (A normalised column, not an index on lower(username): H2 has no
-- expression indexes, and this file runs unchanged on H2 and PostgreSQL.)
ALTER TABLE users ADD COLUMN username_key VARCHAR(64);
UPDATE users SET username_key = LOWER(username);
-- Accounts registered before this migration that differ only in case keep working: the oldest keeps the plain
-- key, each later one gets a key no new name can take (`#` is outside the username pattern), and logs in by its
-- exact name.
UPDATE users SET username_key = LOWER(username) || '#' || CAST(id AS VARCHAR(20))
    WHERE EXISTS (SELECT 1 FROM users older WHERE LOWER(older.username) = LOWER(users.username) AND older.id < users.id);
ALTER TABLE users ALTER COLUMN username_key SET NOT NULL;
ALTER TABLE users ADD CONSTRAINT users_username_key_uk UNIQUE (username_key);
