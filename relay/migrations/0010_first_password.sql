-- R14: a first password delivered by SMS at activation must be changed at first use. While this
-- is set, a session can do nothing but change the password (and say that it must).
ALTER TABLE citizens ADD COLUMN must_change_password INTEGER NOT NULL DEFAULT 0;
