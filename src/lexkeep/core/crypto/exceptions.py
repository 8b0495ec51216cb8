"""Errors raised by envelope encryption."""

from __future__ import annotations


class CryptoError(Exception):
    """Base class for every encryption error Lexkeep raises."""


class MasterKeyError(CryptoError):
    """The master key ring is missing, unreadable, malformed or lacks a key."""


class KeyNotFound(CryptoError):
    """No data key row exists with the id a token or blob names."""


class KeyDestroyed(CryptoError):
    """The data key was destroyed (crypto-shredded); its data is unreadable."""


class DecryptionError(CryptoError):
    """A token or blob is malformed, tampered with, or used with the wrong AAD."""
