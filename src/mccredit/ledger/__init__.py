"""The ledger: entries with their citations, per-unit rounding, and allocation of credit to
requirement categories. Below the engine and salary steps, which both write entries."""

from ._allocate import allocate
from ._entries import LedgerEntry, Rounder, cite

__all__ = ["LedgerEntry", "Rounder", "allocate", "cite"]
