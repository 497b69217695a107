-- Ledger-sync sources belong to the user who first pushed to them: only that user (or a token of theirs) pushes
-- to and reads a source, besides holders of the whole district.
ALTER TABLE ledger_sync_sources ADD COLUMN owner TEXT NULL;
