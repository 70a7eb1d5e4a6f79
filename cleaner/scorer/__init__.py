"""The learned line scorer: features, labelling, training, inference and decisions (docs/rules.md#scorer)."""
