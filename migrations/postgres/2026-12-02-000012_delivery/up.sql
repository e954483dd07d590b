-- Notification delivery (PostgreSQL): channels admins configure, each user's choices, and a durable outbox.
-- Keep in step with migrations/sqlite.

-- A group robot (WeCom / DingTalk / Feishu) or a generic webhook that hears about chosen event kinds.
CREATE TABLE notification_channels (
    id BIGSERIAL PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL CHECK (kind IN ('wecom', 'dingtalk', 'feishu', 'webhook')),
    url TEXT NOT NULL,
    -- DingTalk / Feishu signing secret, or the webhook's HMAC secret
    secret TEXT,
    -- JSON list of event kinds; empty: every kind
    event_kinds TEXT NOT NULL DEFAULT '[]',
    enabled BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

-- Per user and event kind: which personal channels to use (no row: in-app and e-mail).
CREATE TABLE notification_preferences (
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    in_app BOOLEAN NOT NULL,
    email BOOLEAN NOT NULL,
    PRIMARY KEY (user_id, kind)
);

-- Everything to send outside Loopdesk, written in the transaction of the change it reports: nothing acknowledged
-- is lost when a receiver is down. Workers lease rows (locked_until) so that instances do not send one twice.
CREATE TABLE outbox (
    id BIGSERIAL PRIMARY KEY,
    channel TEXT NOT NULL CHECK (channel IN ('email', 'wecom', 'dingtalk', 'feishu', 'webhook')),
    -- an e-mail address, or the notification channel's id
    target TEXT NOT NULL,
    event_kind TEXT NOT NULL,
    ticket_id BIGINT REFERENCES tickets(id) ON DELETE SET NULL,
    -- what to send, as JSON (subject and text for e-mail, the robot's message otherwise)
    payload TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    locked_until TIMESTAMP,
    last_error TEXT,
    created_at TIMESTAMP NOT NULL,
    sent_at TIMESTAMP
);
CREATE INDEX outbox_due ON outbox(next_attempt_at, id) WHERE status = 'pending';

UPDATE roles SET permissions = REPLACE(permissions, ']', ',"channels_manage"]')
WHERE name = 'admin' AND permissions LIKE '[_%' AND permissions NOT LIKE '%channels_manage%';
