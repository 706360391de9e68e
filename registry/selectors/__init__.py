"""Every read the product makes: pages, the API, search and automations read through here.

Each module holds the reads of one subject and applies the visibility rules of
`registry.permissions`; none writes. Services (`registry.services`) do the writes.
"""
