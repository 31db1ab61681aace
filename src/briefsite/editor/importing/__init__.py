"""briefsite import: a received bulletin (text, PDF, Word) into a bulletin file."""
