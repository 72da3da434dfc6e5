"""The Streamlit dashboard (bảng điều hành): entrypoint `app.py`, pages in `views/` (declared by
`st.navigation`; not named `pages/`, which would switch Streamlit to its folder-based mode)."""
