"""Benchmarks and chaos runs that print figures (not tests)."""
