-- Files are stored once per content (content-addressed by SHA-256); a blob row exists for every stored file and
-- is referenced by the attachments that use it. A blob that no attachment references is removed by the sweep
-- after a grace period (an upload whose transaction failed, a staged file never sent, an erased person's files).
CREATE TABLE blobs (
    sha256 TEXT PRIMARY KEY NOT NULL,
    size_bytes BIGINT NOT NULL,
    -- the last time an upload stored or reused it: the sweep leaves recently touched blobs alone
    touched_at TIMESTAMP NOT NULL
);

-- A file on a ticket, or on one of its replies and notes (comment_id). A staged file was uploaded for a reply not
-- yet sent: only its uploader sees it, and sending the reply attaches it (taking the reply's internal flag).
CREATE TABLE attachments (
    id BIGSERIAL PRIMARY KEY,
    ticket_id BIGINT NOT NULL REFERENCES tickets(id) ON DELETE CASCADE,
    comment_id BIGINT REFERENCES comments(id) ON DELETE CASCADE,
    uploader_id BIGINT NOT NULL REFERENCES users(id),
    sha256 TEXT NOT NULL REFERENCES blobs(sha256),
    file_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size_bytes BIGINT NOT NULL,
    internal BOOLEAN NOT NULL,
    staged BOOLEAN NOT NULL,
    thumbnail_sha256 TEXT REFERENCES blobs(sha256),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX attachments_ticket ON attachments(ticket_id, id);
CREATE INDEX attachments_comment ON attachments(comment_id);
CREATE INDEX attachments_blob ON attachments(sha256);
CREATE INDEX attachments_thumbnail ON attachments(thumbnail_sha256);
CREATE INDEX attachments_staged ON attachments(created_at) WHERE staged;
