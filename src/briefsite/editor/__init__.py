"""The editor's commands: import a received bulletin, scaffold the next issue."""
