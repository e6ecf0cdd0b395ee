"""SALTO PMS Industry Standard protocol: codec, messages, session, transport and client."""
