"""PostgreSQL, through psycopg 3: ``url`` (libpq URIs, TLS defaults), ``session`` (the BEGIN
statement and migration capabilities), ``errors`` (transient or terminal, what may be quoted),
``engine`` (connecting), ``privileges.sql`` (least-privilege logins for a DBA to run)."""
