"""Payment transactions: the card and amount rules of the payment processor.

Pure like the rest of ``domain/``: no Kafka, SQL, clock or environment. The date a card is
checked against is passed in, so a rule never depends on when a test or a redelivery runs.
"""
