"""Layers: folium feature groups built from a geodata snapshot."""
