"""Lexkeep: client management and case archives for Chinese law firms."""

__version__ = "0.1.0"
