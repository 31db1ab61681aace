"""The archive's content: configuration, bulletin files and what they mean."""
