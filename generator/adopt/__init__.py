"""Adopting existing clusters: importers that turn what a team already has into an eksgen spec.

A layer beside `gitops`: it reads with the pipeline's tools (the loader, the model, the defaults)
and the module facts, and nothing above it imports it but the API.
"""
