"""Torture harnesses: try hard to break exactly-once delivery and safe deletion.

``python -m bench.torture [--quick|--long] [--seed N] [--only NAME ...]`` runs the harnesses
(``kills``, ``network``, ``hostile``, ``fuzz``, ``disk``) and prints one line each; see
docs/reliability.md.
"""
