"""Ingestion of the Répertoire national des élus (RNE) and recognition of élus' accounts."""
