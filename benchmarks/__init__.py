"""Benchmarks kept in the repo: `make bench` runs them all and prints their tables."""
