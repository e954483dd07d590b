-- Failed sign-ins per (e-mail, client address): the next attempt from that client waits until next_attempt_at.
-- Keyed by the e-mail as typed (normalised), known or not, so unknown e-mails behave exactly like known ones;
-- the owner signing in from another address has a row of their own and is never locked out.
CREATE TABLE sign_in_backoffs (
    email TEXT NOT NULL,
    client TEXT NOT NULL,
    failures INTEGER NOT NULL,
    next_attempt_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (email, client)
);
CREATE INDEX sign_in_backoffs_updated_at ON sign_in_backoffs (updated_at);
