-- Text a person reads is rendered in their language: each user's language for what the server sends them
-- (e-mail, in-app titles), and each notification's parameters so that the web app renders it in its own.
ALTER TABLE users ADD COLUMN locale TEXT NOT NULL DEFAULT 'zh-CN';
ALTER TABLE notifications ADD COLUMN params TEXT NOT NULL DEFAULT '{}';
