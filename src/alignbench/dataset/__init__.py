"""The dataset: building the Parquet configs and card from the sources, and loading them."""
