"""The build: the pipeline (site.py) and the machinery it runs on."""
