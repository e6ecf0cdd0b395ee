"""The main window's tabs: reservations, owners, read key and settings."""
