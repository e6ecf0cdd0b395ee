"""The desk's dialogs: key actions (print cards, send to phone, delete key data) and the others the tabs open."""
