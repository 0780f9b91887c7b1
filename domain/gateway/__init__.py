"""The payment gateway's intake: account credentials, the shape of a submitted transaction, its
fingerprint, the per-account request rate, and what a merchant sees of a transaction."""
