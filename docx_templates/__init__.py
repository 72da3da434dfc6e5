"""Word templates of the briefings and the code that builds them (mẫu văn bản)."""
