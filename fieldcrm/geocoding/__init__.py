"""Geocoding (pure core): French address normalisation, offline gazetteer, geopy provider
chain and quality flags. Plain values in and out; the service stores results."""
