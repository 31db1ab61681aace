"""briefsite serve: the preview server that rebuilds on change."""
