"""Geodata: the record, boundaries and the one as_of query."""
