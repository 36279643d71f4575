"""The customer side: the public complaint form and the signed status and survey links."""
