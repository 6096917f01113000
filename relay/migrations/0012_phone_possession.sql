-- R22: a phone another account holds may still be hers (a number the carrier gave her after
-- the other holder lost it). She keeps it by proving possession with the code sent to it; the
-- other account, whose second factor it was, is then revoked and its holder told by email.
-- The account a phone change takes the number from, when it does.
ALTER TABLE contact_changes ADD COLUMN takes_from TEXT REFERENCES citizens(id);
