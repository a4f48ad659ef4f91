-- a pae database at schema v1
PRAGMA user_version = 1;
CREATE TABLE vms (  uuid TEXT PRIMARY KEY NOT NULL,  name TEXT NOT NULL,  tenant TEXT NOT NULL,  category TEXT NOT NULL,  timezone TEXT NOT NULL,  timezone_source TEXT NOT NULL,  state TEXT NOT NULL,  domain_id INTEGER NOT NULL DEFAULT -1,  persistent INTEGER NOT NULL DEFAULT 1,  current_snapshot TEXT,  last_event TEXT,  first_seen_us INTEGER NOT NULL,  last_seen_us INTEGER NOT NULL,  retired_us INTEGER);
CREATE TABLE history (  id INTEGER PRIMARY KEY AUTOINCREMENT,  vm_uuid TEXT NOT NULL REFERENCES vms(uuid),  at_us INTEGER NOT NULL,  source TEXT NOT NULL,  kind TEXT NOT NULL,  event TEXT,  detail TEXT,  facts TEXT);
CREATE INDEX history_by_vm ON history(vm_uuid, id);
CREATE TRIGGER history_no_update BEFORE UPDATE ON history   BEGIN SELECT RAISE(ABORT, 'history is append-only'); END;
CREATE TRIGGER history_no_delete BEFORE DELETE ON history   BEGIN SELECT RAISE(ABORT, 'history is append-only'); END;
CREATE TABLE cursors (  name TEXT PRIMARY KEY NOT NULL,  position INTEGER NOT NULL);
INSERT INTO vms VALUES('6695eb01-f6a4-8304-79aa-97f2502e193f','web-1','acme','production','Europe/Paris','metadata','running',3,1,NULL,'STARTED/BOOTED',1772323200000000,1772326800000000,NULL);
INSERT INTO vms VALUES('0b7e2a8c-1111-4c2e-9b1a-5d7f3c2e4a10','old-db','acme','test','UTC','default','undefined',-1,1,NULL,'UNDEFINED/REMOVED',1772323200000000,1772330400000000,1772330400000000);
INSERT INTO history VALUES(1,'6695eb01-f6a4-8304-79aa-97f2502e193f',1772323200000000,'event','provision','DEFINED/ADDED','first seen as ''web-1'' (acme, production, Europe/Paris)',NULL);
INSERT INTO history VALUES(2,'6695eb01-f6a4-8304-79aa-97f2502e193f',1772326800000000,'event','start','STARTED/BOOTED',NULL,NULL);
INSERT INTO history VALUES(3,'0b7e2a8c-1111-4c2e-9b1a-5d7f3c2e4a10',1772330400000000,'event','deprovision','UNDEFINED/REMOVED',NULL,NULL);
INSERT INTO cursors VALUES('engine',2);
