"""PostGIS adapters: repositories that return plain data and never commit."""
