"""The customer projection's application service: a batch of customer changes into Bank 2."""
