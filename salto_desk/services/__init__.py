"""The application layer: every use case the desk window needs, as typed methods over one database.

The window (``ui/``) never opens a session or builds a repository: it calls these, off its GUI
thread, through ``ui.workers.calls.CoreCalls``. Each method is one unit of work (or a few), so a
slow shared database costs a handful of round trips per user action, never one per row.
"""

from __future__ import annotations

from salto_desk.services.desk import DeskServices

__all__ = ["DeskServices"]
