-- The records that keep "every change" of the bed board and mutual aid are history: the database
-- itself refuses to change or delete them, as it does for the audit log (0003).
CREATE TRIGGER bed_updates_no_update BEFORE UPDATE ON bed_updates
BEGIN
  SELECT RAISE(ABORT, 'bed_updates is append-only');
END;
CREATE TRIGGER bed_updates_no_delete BEFORE DELETE ON bed_updates
BEGIN
  SELECT RAISE(ABORT, 'bed_updates is append-only');
END;
CREATE TRIGGER device_inspections_no_update BEFORE UPDATE ON device_inspections
BEGIN
  SELECT RAISE(ABORT, 'device_inspections is append-only');
END;
CREATE TRIGGER device_inspections_no_delete BEFORE DELETE ON device_inspections
BEGIN
  SELECT RAISE(ABORT, 'device_inspections is append-only');
END;
CREATE TRIGGER device_checkins_no_update BEFORE UPDATE ON device_checkins
BEGIN
  SELECT RAISE(ABORT, 'device_checkins is append-only');
END;
CREATE TRIGGER device_checkins_no_delete BEFORE DELETE ON device_checkins
BEGIN
  SELECT RAISE(ABORT, 'device_checkins is append-only');
END;
CREATE TRIGGER device_events_no_update BEFORE UPDATE ON device_events
BEGIN
  SELECT RAISE(ABORT, 'device_events is append-only');
END;
CREATE TRIGGER device_events_no_delete BEFORE DELETE ON device_events
BEGIN
  SELECT RAISE(ABORT, 'device_events is append-only');
END;
CREATE TRIGGER exchange_events_no_update BEFORE UPDATE ON exchange_events
BEGIN
  SELECT RAISE(ABORT, 'exchange_events is append-only');
END;
CREATE TRIGGER exchange_events_no_delete BEFORE DELETE ON exchange_events
BEGIN
  SELECT RAISE(ABORT, 'exchange_events is append-only');
END;
CREATE TRIGGER ventilator_events_no_update BEFORE UPDATE ON ventilator_events
BEGIN
  SELECT RAISE(ABORT, 'ventilator_events is append-only');
END;
CREATE TRIGGER ventilator_events_no_delete BEFORE DELETE ON ventilator_events
BEGIN
  SELECT RAISE(ABORT, 'ventilator_events is append-only');
END;
