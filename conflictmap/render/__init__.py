"""Rendering: the folium map and the escaping of every string that reaches it."""
