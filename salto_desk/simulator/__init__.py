"""A ProAccess Space stand-in that speaks the PMS Industry Standard protocol."""
