"""The built-in demo: a demo BEX PMS on 127.0.0.1 and the desk wiring of ``salto-desk --demo``.

Not part of the production client (``salto_desk.pms``): ``records``, ``properties``, ``seeding`` and
``store`` make the demo organization and its moves; ``query``, ``faults``, ``api`` and ``server`` serve
it as BEX API v3 (with planned faults and a rate limit); ``desk`` starts the demo desk (simulators,
demo PMS, a preloaded throw-away database).
"""
