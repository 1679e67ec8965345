-- Memberships become an entity of their own: when each user became a member.
ALTER TABLE room_members ADD COLUMN joined_at TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP NOT NULL;
