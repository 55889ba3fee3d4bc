"""What the dashboard (app.py) needs beyond Streamlit's widgets: the view a link asks for
(`dashboard.view`) and the record it shows (`dashboard.source`). Nothing here imports
Streamlit, so it is tested on its own; geodata and layers never import it."""
