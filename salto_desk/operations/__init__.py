"""The key lifecycle that the window and the PMS sync share: key data made and changed at the desk
(``key_data``), the SALTO requests on it (``salto_operations``), and the audit row of each
(``audit_recorder``). Below both the sync and the window's application layer (``salto_desk.services``).
"""
