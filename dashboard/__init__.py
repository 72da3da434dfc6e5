"""The Streamlit dashboard (bảng điều hành): entrypoint `app.py`, pages in `pages/`."""
