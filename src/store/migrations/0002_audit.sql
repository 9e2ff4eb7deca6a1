-- Who read or changed a sensitive record, when and why. Rows are only ever inserted; the next
-- migration makes the database itself refuse updates and deletes.
CREATE TABLE audit_log (
  id {{id}},
  at BIGINT NOT NULL,
  actor_user_id BIGINT NOT NULL,
  actor_username TEXT NOT NULL,
  actor_role TEXT NOT NULL,
  action TEXT NOT NULL,
  entity TEXT NOT NULL,
  entity_id TEXT NOT NULL,
  reason TEXT NOT NULL,
  request_id TEXT NOT NULL
);
CREATE INDEX audit_by_entity ON audit_log(entity, entity_id);
CREATE INDEX audit_by_actor ON audit_log(actor_user_id);
