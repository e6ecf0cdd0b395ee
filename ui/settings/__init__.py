"""The settings tab's pages and dialogs.

Administrations, key types and products, encoders, door names, the PMS connection, the manager PIN
and diagnostics.
"""
