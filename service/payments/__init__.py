"""The payment processor's application service: transactions decided, stored, answered."""
