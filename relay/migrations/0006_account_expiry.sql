-- Accounts expire (R4: the permanent key is valid for a long but limited time; R25). Set at
-- activation; accounts activated before this migration count from their registration.
ALTER TABLE citizens ADD COLUMN expires_at INTEGER;
-- When the 30-day notice went out for the current expiry (NULL: not yet; renewal clears it).
ALTER TABLE citizens ADD COLUMN expiry_notice_at INTEGER;
-- The language she activated in (es, ca, eu, gl, en): the notices she is sent unasked use it.
ALTER TABLE citizens ADD COLUMN lang TEXT;
UPDATE citizens SET expires_at = created_at + 5 * 365 * 24 * 3600 WHERE status IN ('active', 'blocked');
