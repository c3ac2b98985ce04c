"""Private set intersection (隐私计算) of partner lists: the bank learns which of its
companies are on a partner's register (or only how many) without either side handing
over its list. Built on OpenMined's PSI (ECDH over P-256; docs/privacy.md).

- :mod:`~guanxi.psi.keys`: the normalisation both sides apply before matching;
- :mod:`~guanxi.psi.protocol`: thin wrappers over the library and the wire framing;
- :mod:`~guanxi.psi.server`: the partner side, a small FastAPI app;
- :mod:`~guanxi.psi.client`: the bank side, :func:`match` → :class:`MatchResult`;
- :mod:`~guanxi.psi.candidates` and :mod:`~guanxi.psi.tag`: the bank's candidates
  (a file or the graph) and writing a match back as a tag with provenance.
"""

from guanxi.psi.keys import company_key, name_key, uscc_key

__all__ = ["company_key", "name_key", "uscc_key"]
