UPDATE roles SET permissions = REPLACE(permissions, ',"channels_manage"', '') WHERE name = 'admin';
DROP TABLE outbox;
DROP TABLE notification_preferences;
DROP TABLE notification_channels;
