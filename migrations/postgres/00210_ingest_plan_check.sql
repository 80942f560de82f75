-- +goose Up
-- Dispenser ingest on Postgres writes a batch (its events, the doses they
-- take, the alerts they close, the history rows) in one statement planned
-- from an unlocked read. The statement ends by calling this with whether
-- everything went as planned (every dose was still in the state it was
-- matched in, every take event was new); when not, it aborts the whole
-- statement as a serialization failure and ingest redoes the batch under
-- row locks.
-- +goose StatementBegin
CREATE FUNCTION ingest_plan_holds(ok boolean) RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
    IF ok IS NOT TRUE THEN
        RAISE EXCEPTION 'dispenser batch: the doses changed since the batch was matched'
            USING ERRCODE = 'serialization_failure';
    END IF;
    RETURN true;
END $$;
-- +goose StatementEnd

-- +goose Down
DROP FUNCTION ingest_plan_holds(boolean);
