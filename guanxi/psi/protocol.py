"""Thin wrappers over OpenMined's PSI library (``openmined-psi``: ECDH-PSI over P-256,
the server's set sent as a Golomb-compressed set or a Bloom filter) and the framing of
its messages on the wire.

What crosses the wire is only the library's serialised protobuf messages:

- client → server: ``Request`` (the client's items, each blinded with the client's
  secret key);
- server → client: ``ServerSetup`` (the server's items blinded with the server's key,
  in a GCS / Bloom filter) and ``Response`` (the client's blinded items, blinded again
  with the server's key; shuffled when the intersection is not revealed).

Two messages in one body are framed as ``<4-byte big-endian length><bytes>`` each
(:func:`frame`, :func:`unframe`).
"""

from __future__ import annotations

import logging
import struct
from collections.abc import Sequence

import private_set_intersection.python as psi

from guanxi.errors import InvalidData

__all__ = [
    "PROTOCOL",
    "STRUCTURES",
    "PsiServer",
    "PsiClient",
    "frame",
    "unframe",
    "request_size",
]

log = logging.getLogger(__name__)

#: the protocol's name as recorded in provenance
PROTOCOL = f"openmined-psi {psi.__version__} ECDH-PSI P-256"
#: the server-set encodings the CLI offers
STRUCTURES = {"gcs": psi.DataStructure.GCS, "bloom": psi.DataStructure.BLOOM_FILTER}


class PsiServer:
    """The partner side: its set, held in memory with a fresh secret key per instance.

    Parameters
    ----------
    items : sequence of str
        The partner's keys (:mod:`guanxi.psi.keys`).
    fpr : float
        False-positive rate of the whole match: the chance that a non-member of the
        client's input set is reported as a member is about ``fpr / num_client_inputs``
        per item (the library sizes the filter for ``fpr`` over all client inputs).
    reveal : bool
        Whether clients may learn *which* of their items intersect (else only how many).
    structure : {"gcs", "bloom"}
        How the server's blinded set is encoded in the setup message.
    """

    def __init__(
        self, items: Sequence[str], fpr: float, reveal: bool, structure: str = "gcs"
    ) -> None:
        if not 0 < fpr < 1:
            raise InvalidData(f"fpr must be between 0 and 1, got {fpr}")
        if structure not in STRUCTURES:
            raise InvalidData(f"Unknown PSI structure {structure!r}; use gcs or bloom")
        self.items = list(items)
        self.fpr = fpr
        self.reveal = reveal
        self.structure = structure
        self._server = psi.server.CreateWithNewKey(reveal)

    def setup(self, num_client_inputs: int) -> bytes:
        """The serialised ``ServerSetup`` for a client with up to ``num_client_inputs``
        items (the costly, one-off part: every server item is hashed and blinded)."""
        msg = self._server.CreateSetupMessage(
            self.fpr, max(1, num_client_inputs), self.items, STRUCTURES[self.structure]
        )
        return msg.SerializeToString()

    def process(self, request: bytes) -> bytes:
        """The serialised ``Response`` to a client's serialised ``Request``."""
        req = psi.Request()
        try:
            req.ParseFromString(request)
        except Exception as e:  # noqa: BLE001 - protobuf's DecodeError and friends
            raise InvalidData("Not a PSI request message") from e
        if req.reveal_intersection and not self.reveal:
            raise InvalidData("This server reveals only the intersection size (cardinality)")
        return self._server.ProcessRequest(req).SerializeToString()


class PsiClient:
    """The bank side: a fresh secret key per instance (one per match)."""

    def __init__(self, reveal: bool) -> None:
        self.reveal = reveal
        self._client = psi.client.CreateWithNewKey(reveal)

    def request(self, items: Sequence[str]) -> bytes:
        """The serialised ``Request`` for ``items`` (each blinded with this client's key)."""
        return self._client.CreateRequest(list(items)).SerializeToString()

    def _parse(self, setup: bytes, response: bytes) -> tuple[psi.ServerSetup, psi.Response]:
        s, r = psi.ServerSetup(), psi.Response()
        try:
            s.ParseFromString(setup)
            r.ParseFromString(response)
        except Exception as e:  # noqa: BLE001 - protobuf's DecodeError and friends
            raise InvalidData("The PSI server sent a malformed message") from e
        return s, r

    def intersection(self, setup: bytes, response: bytes) -> list[int]:
        """Indices (into the items of :meth:`request`) of the items in the intersection."""
        return sorted(self._client.GetIntersection(*self._parse(setup, response)))

    def size(self, setup: bytes, response: bytes) -> int:
        """How many of the items of :meth:`request` are in the intersection."""
        return int(self._client.GetIntersectionSize(*self._parse(setup, response)))


def request_size(request: bytes) -> int:
    """The number of items in a serialised ``Request`` (the server checks it against the
    client's declared input count)."""
    req = psi.Request()
    try:
        req.ParseFromString(request)
    except Exception as e:  # noqa: BLE001 - protobuf's DecodeError and friends
        raise InvalidData("Not a PSI request message") from e
    return len(req.encrypted_elements)


def frame(*parts: bytes) -> bytes:
    """Messages as one body: each prefixed with its length (4 bytes, big-endian)."""
    return b"".join(struct.pack(">I", len(p)) + p for p in parts)


def unframe(body: bytes) -> list[bytes]:
    """The messages of a :func:`frame` body."""
    parts, pos = [], 0
    while pos < len(body):
        if pos + 4 > len(body):
            raise InvalidData("Truncated PSI frame")
        (n,) = struct.unpack_from(">I", body, pos)
        pos += 4
        if pos + n > len(body):
            raise InvalidData("Truncated PSI frame")
        parts.append(body[pos : pos + n])
        pos += n
    return parts
