"""GNN: HeteroData building, models, training, evaluation, inference write-back."""
