"""Streamlit dashboard (placeholder until the dashboard lands)."""

import streamlit as st

st.title("geomap")
st.write("The dashboard is being built; `geomap facts` and `geomap export` work today.")
