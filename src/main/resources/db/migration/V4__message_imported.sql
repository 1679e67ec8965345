-- Messages brought in by POST /api/rooms/{room}/import (SPEC §3) are marked; null for everything else.
ALTER TABLE messages ADD COLUMN imported BOOLEAN;
