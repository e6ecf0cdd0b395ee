"""The key domain: configuration rules, key data lifecycle, services over the SALTO client, audit."""
