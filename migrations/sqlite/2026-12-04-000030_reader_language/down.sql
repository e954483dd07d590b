ALTER TABLE notifications DROP COLUMN params;
ALTER TABLE users DROP COLUMN locale;
