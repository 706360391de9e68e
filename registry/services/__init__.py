"""Every write. Keyword-only arguments, the acting user passed in, one transaction each."""
