"""MLflow's model-registry REST API (2.0) on top of our registries, for MLflow clients.

Plain Django views (bearer key only, no CSRF, not in the ninja OpenAPI schema) that
translate MLflow's requests into our selectors and services, so every role rule, history
row, automation and ETag holds exactly as it does for the native API. The mapping of names
and versions is in `names.py`; the JSON shapes in `shapes.py`.
"""
