"""Card numbers for the payment tests: published test numbers, and numbers made for a range.

Each number passes the Luhn check (the published ones are the card networks' and gateways'
documented test numbers; the others were given their check digit for the BIN they test).
"""

from __future__ import annotations

from domain.payments.brands import Brand

VISA = "4111111111111111"
MASTERCARD = "5555555555554444"
AMEX = "378282246310005"

# One valid number per brand and per notable range: (number, brand).
BRAND_EXAMPLES: list[tuple[str, Brand]] = [
    ("4111111111111111", Brand.VISA),
    ("4222222222222", Brand.VISA),  # 13 digits
    ("4123456789012345677", Brand.VISA),  # 19 digits
    ("5555555555554444", Brand.MASTERCARD),
    ("5105105105105100", Brand.MASTERCARD),
    ("2223003122003222", Brand.MASTERCARD),  # the 2-series
    ("2221000000000009", Brand.MASTERCARD),  # its first BIN
    ("2720990000000007", Brand.MASTERCARD),  # its last BIN
    ("378282246310005", Brand.AMEX),
    ("371449635398431", Brand.AMEX),
    ("340000000000009", Brand.AMEX),
    ("30569309025904", Brand.DINERS),
    ("38520000023237", Brand.DINERS),
    ("36227206271667", Brand.DINERS),
    ("6011111111111117", Brand.DISCOVER),
    ("6440000000000005", Brand.DISCOVER),
    ("6221260000000000", Brand.DISCOVER),
    ("3530111333300000", Brand.JCB),
    ("3528000000000007", Brand.JCB),
    ("3589000000000003", Brand.JCB),
    ("6362970000457013", Brand.ELO),
    ("5067310000000010", Brand.ELO),
    ("5090000000000000", Brand.ELO),
    ("6363680000000007", Brand.ELO),
    # Elo BINs inside Visa's "4" and Discover's "65": Elo, not the wider brand.
    ("4011780000000006", Brand.ELO),
    ("4576310000000009", Brand.ELO),
    ("6500310000000005", Brand.ELO),
    ("6504850000000006", Brand.ELO),
    ("6062825624254001", Brand.HIPERCARD),
    ("6062820000000003", Brand.HIPERCARD),
]
