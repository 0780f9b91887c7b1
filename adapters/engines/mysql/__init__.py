"""MySQL 8.0.16+ / MariaDB 10.6+, through PyMySQL: ``url`` (URL and TLS options), ``session``
(session settings and migration capabilities), ``errors`` (transient or terminal, what may be
quoted), ``engine`` (connecting), ``privileges.sql`` (least-privilege accounts for a DBA)."""
