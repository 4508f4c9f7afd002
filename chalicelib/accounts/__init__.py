"""Accounts: the 4-step signup and its email code, sessions (NIR and password, or
FranceConnect), password reset, and what they share (NIR, passwords, login policy, emails).
Use cases take their adapters through their constructors; `store` is the only module here
that talks to DynamoDB."""
