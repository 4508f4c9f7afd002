"""Login with FranceConnect (OpenID Connect), and its certified identity for élu recognition."""
