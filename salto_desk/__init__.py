"""Salto Desk: front-desk key encoding for BEX PMS and SALTO ProAccess Space."""

__version__ = "0.1.0"
