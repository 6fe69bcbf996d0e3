"""The data layer: one corpus model, the simulated default and adapters for real data."""
