"""Workers that keep I/O off the GUI thread and report back through Qt signals."""
