-- Daily reminders already sent: one row per local day and person, so that with several instances each person
-- gets one digest a day (the row is claimed in the transaction that writes the notification).
CREATE TABLE digests (
    day TEXT NOT NULL,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    sent_at TIMESTAMP NOT NULL,
    PRIMARY KEY (day, user_id)
);
