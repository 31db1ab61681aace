"""Browser tests: the built site in real headless Chromium (see conftest.py)."""
