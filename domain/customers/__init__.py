"""The customer bounded context: what a customer change means for telesales (pure rules)."""
