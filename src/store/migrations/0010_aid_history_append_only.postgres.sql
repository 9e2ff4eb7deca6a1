-- The records that keep "every change" of the bed board and mutual aid are history: the database
-- itself refuses to change or delete them, as it does for the audit log (0003).
CREATE FUNCTION history_refuse_change() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER bed_updates_append_only BEFORE UPDATE OR DELETE ON bed_updates
  FOR EACH ROW EXECUTE FUNCTION history_refuse_change();
CREATE TRIGGER device_inspections_append_only BEFORE UPDATE OR DELETE ON device_inspections
  FOR EACH ROW EXECUTE FUNCTION history_refuse_change();
CREATE TRIGGER device_checkins_append_only BEFORE UPDATE OR DELETE ON device_checkins
  FOR EACH ROW EXECUTE FUNCTION history_refuse_change();
CREATE TRIGGER device_events_append_only BEFORE UPDATE OR DELETE ON device_events
  FOR EACH ROW EXECUTE FUNCTION history_refuse_change();
CREATE TRIGGER exchange_events_append_only BEFORE UPDATE OR DELETE ON exchange_events
  FOR EACH ROW EXECUTE FUNCTION history_refuse_change();
CREATE TRIGGER ventilator_events_append_only BEFORE UPDATE OR DELETE ON ventilator_events
  FOR EACH ROW EXECUTE FUNCTION history_refuse_change();
