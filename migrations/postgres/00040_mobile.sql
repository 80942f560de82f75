-- +goose Up
-- The mobile "today" view and the caregiver overview read one local day of
-- one patient's doses; invitations are looked up by email.
CREATE INDEX dose_instances_patient_day_idx ON dose_instances (patient_id, local_date);
CREATE INDEX care_links_invite_email_idx ON care_links (lower(invite_email)) WHERE state = 'pending';

-- +goose Down
DROP INDEX care_links_invite_email_idx;
DROP INDEX dose_instances_patient_day_idx;
