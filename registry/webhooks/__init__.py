"""Outbound deliveries for automations: templating, signing, SSRF-safe HTTP, retries.

Nothing here checks permissions: callers (services, the worker) have done that.
"""
