"""Data keys: create, open, rotate under a new master key, destroy (crypto-shredding)."""

import uuid
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from egide.core import crypto
from egide.core.models import DataKey


def _context(key: DataKey) -> bytes:
    return str(key.uid).encode()


def new_data_key() -> tuple[DataKey, bytes]:
    """Return a new wrapped data key, not yet saved, and its clear value (for bulk loads)."""
    key = DataKey(uid=uuid.uuid4())
    clear = crypto.generate_data_key()
    key.master_key_id, key.wrapped = crypto.wrap(clear, context=_context(key))
    return key, clear


def create_data_key() -> DataKey:
    """Create and store a new wrapped data key; call inside the owning action's transaction."""
    key, _ = new_data_key()
    key.save()
    return key


def open_data_key(key: DataKey) -> bytes:
    """Return the clear data key; raises DecryptionError once the key is destroyed."""
    return crypto.unwrap(key.master_key_id, bytes(key.wrapped), context=_context(key))


def destroy_data_key(key: DataKey) -> None:
    """Forget the key for ever: what was encrypted under it can never be read again."""
    DataKey.objects.filter(pk=key.pk).update(wrapped=b"", destroyed_at=timezone.now())
    key.wrapped, key.destroyed_at = b"", timezone.now()


@dataclass(frozen=True)
class RotationReport:
    rewrapped: int
    already_current: int
    destroyed: int


def rotate_data_keys(batch_size: int = 500) -> RotationReport:
    """Re-wrap every live data key under the active master key, batch by batch.

    Each batch is its own short transaction, so readers are never blocked for long and a
    rotation interrupted half-way can simply be run again.
    """
    active = crypto.keyring().active_id
    rewrapped = 0
    while True:
        with transaction.atomic():
            batch = list(
                DataKey.objects.select_for_update()
                .filter(destroyed_at__isnull=True)
                .exclude(master_key_id=active)
                .order_by("pk")[:batch_size]
            )
            for key in batch:
                key.master_key_id, key.wrapped = crypto.wrap(open_data_key(key), context=_context(key))
                key.rewrapped_at = timezone.now()
            DataKey.objects.bulk_update(batch, ["master_key_id", "wrapped", "rewrapped_at"])
        rewrapped += len(batch)
        if len(batch) < batch_size:
            break
    live = DataKey.objects.filter(destroyed_at__isnull=True)
    destroyed = DataKey.objects.filter(destroyed_at__isnull=False).count()
    return RotationReport(rewrapped, live.count() - rewrapped, destroyed)
