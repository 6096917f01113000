-- R21: the legacy coordinate card as a second factor, for accounts that have one. A card has 16
-- positions (A1 … D4), each with a 3-digit number; each time, the relay asks for the number at
-- one random position instead of sending an SMS code. She can switch to SMS codes in her panel,
-- and renewal replaces the card with SMS codes.
ALTER TABLE citizens ADD COLUMN second_factor TEXT NOT NULL DEFAULT 'sms';  -- 'sms' | 'card'

CREATE TABLE coordinate_cards (
    citizen_id  TEXT PRIMARY KEY REFERENCES citizens(id),
    serial      TEXT NOT NULL,      -- printed on the card, so she can tell a replaced one
    value_macs  BLOB NOT NULL,      -- 16 × 32-byte HMAC of each position's number, A1 … D4
    created_at  INTEGER NOT NULL
);

-- A code that asks for a card position instead of going by SMS: which position (NULL for SMS).
ALTER TABLE codes ADD COLUMN card_position TEXT;
