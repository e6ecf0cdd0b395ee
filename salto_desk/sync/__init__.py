"""PMS -> key data: pull BEX into the cache, turn reservations into key data, send what SALTO is owed.

One ``SyncEngine.run_once`` does, for every administration BEX lists (a module per stage):

1. ``pull``: objects, object types, extras, costs and owners, and the reservations changed since the last
   pull (``filter[updated_at]``; the first pull takes the stays that can still need a key: departing
   from ``first_pull_days`` ago on), into the cache. Each page of reservations is stored in a
   transaction of its own together with where the pull goes on, so a pull that stops (a rate limit,
   a crash, BEX gone) continues from that page in a later run. A record BEX sends in a shape we cannot
   read is reported and skipped; BEX being unreachable keeps the cache and records since when
   (``SyncStatus.offline_since``); a 429 asking for a long wait pauses the pull until then.
   Administrations not set up at the desk are cached but get no key data.
2. ``derive``: for each administration set up at the desk, apply the key rules to the reservations stored since
   their key data was last derived, and to those whose object BEX renamed or deleted (or to every
   current one when products, door names or other settings changed):
   - a confirmed reservation that matches a product gets key data of the product's key type, once
     (running twice changes nothing); a "wait for check-in" key activates when the guest checks in;
   - changed dates or a changed object are carried into the key data; if cards or phone keys were
     already made, the key is marked "needs re-encode" (never silently left with the old validity);
   - fields the desk changed by hand are never undone: the sync remembers what it wrote last and
     only updates a field the desk left as the sync wrote it;
   - key data the desk deleted is never made again for that reservation and key type (key data made
     by hand later is the desk's own);
   - a cancelled reservation loses its key data; when cards or phone keys were made, the rooms are
     first checked out in SALTO (CO) through the outbox, and the key stays (state "revoking") until
     SALTO confirmed it;
   - a guest's phone that cannot be sent to, or an object BEX no longer lists, is flagged on the key
     (``SyncKeyRepository.flags``, put into words by ``flags``), with the reason.
3. ``outbox``: work through the outbox: mobile keys due for delivery (N days before arrival, or at check-in for
   "wait for check-in" keys) are sent once with CNM; CO of revoked keys. A failure stays queued with
   its reason and is retried with backoff while SALTO is unreachable. A send whose answer was lost
   after SALTO accepted it may have reached the phone: it is never repeated automatically.
"""

from __future__ import annotations

from salto_desk.sync.engine import SyncEngine, run_as_leader
from salto_desk.sync.outbox import OutboxRetry
from salto_desk.sync.progress import SyncProgress, SyncStage, SyncSummary
from salto_desk.sync.pull import PullOptions

__all__ = [
    "OutboxRetry",
    "PullOptions",
    "SyncEngine",
    "SyncProgress",
    "SyncStage",
    "SyncSummary",
    "run_as_leader",
]
