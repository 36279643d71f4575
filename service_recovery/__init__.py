"""Service recovery above the complaints core: problems (the iceberg) and promises."""
