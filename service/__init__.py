"""Application services: take decoded stream records through the domain into a store."""
