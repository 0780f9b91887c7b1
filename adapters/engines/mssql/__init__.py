"""Azure SQL Database / SQL Server, in T-SQL through pyodbc and ODBC Driver 18: ``url`` (URL
forms, ODBC connection string), ``auth`` (Entra ID tokens), ``session`` (session settings and
migration capabilities), ``errors`` (transient or terminal, what may be quoted), ``engine``
(connecting), ``privileges.sql`` (least-privilege users for a DBA)."""
