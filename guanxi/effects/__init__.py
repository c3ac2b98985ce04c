"""Effect statistics and profit sharing (效果统计, 业绩分润; docs/effects.md): the
statistics of a campaign (:mod:`~guanxi.effects.stats`), the per-target frame they are
computed on (:mod:`~guanxi.effects.targets`), the sharing rules
(:mod:`~guanxi.effects.sharing`) and the ledger with monthly settlements
(:mod:`~guanxi.effects.ledger`)."""

__all__: list[str] = []
