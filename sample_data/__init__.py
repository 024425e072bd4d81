"""Realistic sample complaint exports for rca (see generate.py and README.md)."""
