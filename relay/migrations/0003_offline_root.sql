-- The root CA key is kept offline since `nubefirma-relay ca init`: a relay never holds it.
-- Relays made before that kept it sealed here; it is dropped (the root certificate stays).
DELETE FROM ca_material WHERE name = 'root_key';
