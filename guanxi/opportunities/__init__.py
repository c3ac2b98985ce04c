"""The opportunity library (商机挖掘): rules that turn the scored graph into ranked,
explained opportunities, each assigned to an RM; campaigns start from their results.

``run_rule(client, name, params, scope)`` and ``list_rules()`` are the API
(docs/opportunities.md)."""

from guanxi.opportunities.registry import RULES, Rule, list_rules, run_rule, run_rules

__all__ = ["RULES", "Rule", "list_rules", "run_rule", "run_rules"]
