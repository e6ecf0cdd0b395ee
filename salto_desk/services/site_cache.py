"""The desk's administrations and what searches look reservations up in (objects, object types, door names),
kept in memory between searches.

Asking whether they changed costs one query (the ``sites`` change counter); reading them costs four, and a
desk on a far database pays a round trip per query. The counter is read in the search's own session, so a
search never shows lookups older than what was committed when it started, whichever desk or sync wrote them.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy.orm import Session

from salto_desk.keys.model import Administration
from salto_desk.storage.change_feed import Topic, versions
from salto_desk.storage.config_repository import ConfigRepository
from salto_desk.storage.pms_reader import PmsReader
from salto_desk.storage.pms_sites import Site, Sites


@dataclass(frozen=True)
class KnownSites:
    """The administrations by name, and the lookups of each by administration id."""

    administrations: tuple[Administration, ...]
    sites: Mapping[int, Site]

    def reader(self, session: Session) -> PmsReader:
        """A reader of the cache that reads none of these again."""
        return PmsReader(session, self.administrations, self.sites)


class SiteCache:
    """``KnownSites`` as of the ``sites`` counter; shared by the threads the desk's reads run on."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._kept: tuple[int, KnownSites] | None = None

    def current(self, session: Session) -> KnownSites:
        """As committed now: from memory when the counter has not moved, else read again (and kept)."""
        version = versions(session, Topic.SITES).get(Topic.SITES)
        with self._lock:
            kept = self._kept
        if kept is not None and version is not None and kept[0] == version:
            return kept[1]
        administrations = tuple(ConfigRepository(session).administrations())
        sites = Sites(session, administrations).sites_for(None)  # read after the counter: never older than it
        known = KnownSites(administrations, {site.id: site for site in sites})
        if version is not None:
            with self._lock:
                self._kept = (version, known)
        return known
