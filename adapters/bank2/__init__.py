"""Bank 2: the telesales database, one adapter per SQL engine behind one port."""
