"""SQL engines: what differs between them, and the connections and errors they share."""
