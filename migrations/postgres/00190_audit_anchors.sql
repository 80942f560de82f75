-- +goose Up
-- When the retention job deletes a chain's oldest audit rows it first
-- records the last deleted row's id and hash here, so `audit verify` can
-- start the chain from that anchor: pruning by policy is not a gap, while
-- deleting any other row still is.
CREATE TABLE audit_chain_anchors (
    chain_key  BIGINT PRIMARY KEY,
    through_id BIGINT NOT NULL,
    hash       TEXT NOT NULL
);

-- +goose Down
DROP TABLE audit_chain_anchors;
