"""PySide6 front end of Salto Desk: widgets and workers only; all logic lives in salto_desk/."""
