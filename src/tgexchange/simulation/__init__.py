"""A simulated community (synthetic data): the demo's data, the benchmark workload and the
reciprocity model's training data. It drives the real use cases; only the platform is fake."""
