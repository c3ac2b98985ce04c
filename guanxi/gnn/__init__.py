"""GNN: link prediction on the relationship network, and what its vectors are used for.

By role (the PyG habit): ``features`` (the feature spec), ``data`` (Neo4j → ``HeteroData``
with the id mapping kept), ``files`` (the same from canonical CSV folders), ``pairs``
(pair features, FastRP), ``sampling``, ``models``, ``train``, ``evaluate`` (metrics and
baselines), ``propensity`` (the prospect model), ``similarity`` (the lookalike vector and
its blocks), ``infer`` (write-back), ``runs`` (what ``guanxi train`` runs) and ``apps``
(lookalikes, recommendations, prospects as records).

This package imports no submodule itself, so the CLI and the API can import ``apps``
(which only reads what training wrote back), ``features`` and ``similarity`` without
loading torch and torch_geometric; every other module loads them.
"""
