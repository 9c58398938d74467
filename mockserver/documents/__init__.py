"""Documents rendered from the ledger's records (an invoice's PDF): no protocol here."""
