"""Widgets shared by the tabs: the key panel with its actions and the live encoder prompt."""
