"""Adopting clusters made by other tools: their configuration becomes an eksgen spec.

`adopt.eksctl` reads eksctl ClusterConfigs. It sits beside `gitops` above the pipeline: it uses the
pipeline's loader to read, and its stages to prove that what it writes validates and renders.
"""
