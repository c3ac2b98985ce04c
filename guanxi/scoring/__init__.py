"""Scoring: centrality, intimacy, key contacts, contact paths, ownership and risk."""
