"""Push adapters: email over SMTP and SMS over an HTTP webhook; they return delivery results."""
