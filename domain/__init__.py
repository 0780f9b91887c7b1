"""The telesales domain: pure rules, no Kafka, Azure, SQL or environment access."""
