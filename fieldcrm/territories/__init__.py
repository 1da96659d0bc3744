"""Territories: polygons from GeoJSON or administrative units, point assignment with its
tie-break rule, overlaps and gaps, balance metrics and rebalancing proposals.

Pure core: plain data in and out; no database, no web framework, no settings.
"""
